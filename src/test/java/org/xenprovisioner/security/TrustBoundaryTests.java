package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xenprovisioner.process.BatchProcess.GROUP_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.GUEST_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.VAR_GROUP_INDEX;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/**
 * The abuse suite: the real application on real loop devices, attacked over HTTP the way an
 * ordinary account would, as an operator ({@code olga}), an approver ({@code arne}), a user in both
 * groups ({@code paula}) and a user in none ({@code nora}). Every attack must be refused (never with
 * a 500) or have no effect; at the end one honest batch provisions and nothing exists anywhere but
 * the configured directories.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrustBoundaryTests extends RealAppTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ROLES = List.of("olga", "arne", "paula", "nora");
  /** Where an attacker would like files to go: beside the test's root, never configured. */
  private static Path elsewhere;
  /** A host file outside every configured directory, which must come out of every attack as it went in. */
  private static Path canary;
  private static final String CANARY = "root:$6$canary:19000:0:99999:7:::\n";

  @BeforeAll
  static void prepare() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    elsewhere = root.resolveSibling(root.getFileName() + "-elsewhere");
    canary = Files.createTempFile("xenprov-canary-", ".shadow");
    Files.writeString(canary, CANARY);
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(elsewhere);
    Files.deleteIfExists(canary);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestApp.registerEveryRole(registry);
    registry.add("PROVISIONER_ADMIN_PASSWORD", () -> "admin-secret");
  }

  @Test
  @Order(1)
  void nobodyStartsRestartsOrSteersABatchThroughTheEngine() {
    String rejected = submit("r1", "paula");
    decide(rejected, "arne", false);
    String waiting = submit("w1", "olga");
    String instance = instanceOf(waiting);
    String definition = engineGet("/process-definition/key/provision-batch", "admin").get("id").asText();
    String steering = "{\"variables\": {\"imageDir\": {\"value\": \"" + elsewhere + "\"},"
        + " \"baseImage\": {\"value\": \"/etc/shadow\"}, \"guestCount\": {\"value\": 1}}";
    for (String user : ROLES) {
      refused(user, "POST", "/process-definition/key/provision-batch/start", steering + "}");
      refused(user, "POST", "/process-definition/key/provision-batch/start", steering
          + ", \"startInstructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"CallActivity_ProvisionGuests\"}]}");
      refused(user, "POST", "/process-definition/key/provision-batch/submit-form", steering + "}");
      refused(user, "POST", "/process-definition/" + definition + "/restart", "{\"processInstanceIds\": [\""
          + instanceOf(rejected) + "\"], \"instructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"CallActivity_ProvisionGuests\"}]}");
      refused(user, "POST", "/process-definition/" + definition + "/restart-async", "{\"processInstanceIds\": [\""
          + instanceOf(rejected) + "\"], \"instructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"CallActivity_ProvisionGuests\"}]}");
      refused(user, "POST", "/process-instance/" + instance + "/modification",
          "{\"instructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"CallActivity_ProvisionGuests\"}]}");
      refused(user, "POST", "/process-instance/" + instance + "/modification-async",
          "{\"instructions\": [{\"type\": \"cancel\", \"activityId\": \"approve-batch\"}]}");
      refused(user, "POST", "/migration/execute", "{\"migrationPlan\": {\"sourceProcessDefinitionId\": \"" + definition
          + "\", \"targetProcessDefinitionId\": \"" + definition + "\", \"instructions\": []}, \"processInstanceIds\": [\""
          + instance + "\"]}");
    }
    assertThat(batchIds()).as("no batch appeared past the API").hasSize(2);
    assertThat(state(rejected)).isEqualTo("REJECTED");
    assertThat(state(waiting)).isEqualTo("AWAITING_APPROVAL");
  }

  @Test
  @Order(2)
  void nobodyChangesABatchThroughItsVariablesOrItsTask() {
    String batch = submit("v1", "olga");
    String instance = instanceOf(batch);
    String task = taskOf(instance);
    String change = "{\"modifications\": {\"submittedBy\": {\"value\": \"nobody\"}, \"guestTable\": {\"value\": \"[]\"},"
        + " \"imageDir\": {\"value\": \"" + elsewhere + "\"}}}";
    for (String user : ROLES) {
      refused(user, "POST", "/process-instance/" + instance + "/variables", change);
      refused(user, "PUT", "/process-instance/" + instance + "/variables/submittedBy", "{\"value\": \"nobody\"}");
      refused(user, "DELETE", "/process-instance/" + instance + "/variables/batchName", null);
      refused(user, "POST", "/execution/" + instance + "/localVariables", change);
      refused(user, "PUT", "/execution/" + instance + "/localVariables/guestCount", "{\"value\": 1000, \"type\": \"Integer\"}");
      refused(user, "POST", "/variables/async", "{\"processInstanceIds\": [\"" + instance + "\"], \"variables\":"
          + " {\"imageDir\": {\"value\": \"" + elsewhere + "\"}}}");
      refused(user, "POST", "/task/" + task + "/variables", change);
      refused(user, "PUT", "/task/" + task + "/variables/guestTable", "{\"value\": \"[]\"}");
      refused(user, "PUT", "/task/" + task + "/localVariables/vmList", "{\"value\": \"x\"}");
      refused(user, "POST", "/task/" + task + "/localVariables", change);
      refused(user, "DELETE", "/task/" + task + "/variables/batchName", null);
      refused(user, "POST", "/task/" + task + "/complete",
          "{\"variables\": {\"approved\": {\"value\": true}, \"submittedBy\": {\"value\": \"nobody\"}}}");
      refused(user, "POST", "/task/" + task + "/complete",
          "{\"variables\": {\"approved\": {\"value\": true}, \"imageDir\": {\"value\": \"" + elsewhere + "\"}}}");
      refused(user, "POST", "/task/" + task + "/submit-form",
          "{\"variables\": {\"approved\": {\"value\": true}, \"guestCount\": {\"value\": 9, \"type\": \"Integer\"}}}");
      refused(user, "POST", "/task/" + task + "/resolve", "{\"variables\": {\"vmList\": {\"value\": \"x\"}}}");
      refused(user, "POST", "/task/" + task + "/bpmnError", "{\"errorCode\": \"Err_GuestFailed\"}");
    }
    JsonNode variables = engineGet("/process-instance/" + instance + "/variables", "admin");
    assertThat(variables.has("imageDir")).isFalse();
    assertThat(variables.get("submittedBy").get("value").asText()).isEqualTo("olga");
    assertThat(variables.get("guestCount").get("value").asInt()).isEqualTo(1);
    assertThat(json(send("olga", "GET", "/api/batches/" + batch, null).body()).get("guestList").findValuesAsText("hostname"))
        .containsExactly("v1");
    assertThat(state(batch)).isEqualTo("AWAITING_APPROVAL");
  }

  @Test
  @Order(3)
  void fourEyesHoldsOnEveryRouteAgainstTheEngineRecordedStarter() {
    String batch = submit("f1", "paula");
    String task = taskOf(instanceOf(batch));
    assertThat(send("paula", "POST", "/api/batches/" + batch + "/approval", "{\"approved\": true}").statusCode()).isEqualTo(403);
    HttpResponse<String> complete = send("paula", "POST", engineRest("/task/" + task + "/complete"),
        "{\"variables\": {\"approved\": {\"value\": true}}}");
    assertThat(complete.statusCode()).as(complete.body()).isEqualTo(403);
    assertThat(complete.body()).contains("four eyes");
    assertThat(send("paula", "POST", engineRest("/task/" + task + "/claim"), "{\"userId\": \"paula\"}").statusCode()).isEqualTo(403);
    assertThat(send("olga", "POST", "/api/batches/" + batch + "/approval", "{\"approved\": true}").statusCode())
        .as("not an approver").isEqualTo(403);
    assertThat(send("nora", "POST", "/api/batches/" + batch + "/approval", "{\"approved\": true}").statusCode()).isEqualTo(403);
    assertThat(state(batch)).isEqualTo("AWAITING_APPROVAL");
  }

  @Test
  @Order(4)
  void readingNeedsARoleAndEngineRestTakesHttpBasicOnly() throws Exception {
    String batch = batchIds().get(0);
    for (String path : List.of("/api/batches", "/api/batches/" + batch, "/api/batches/" + batch + "/audit.csv")) {
      assertThat(send("nora", "GET", path, null).statusCode()).as("nora GET %s", path).isEqualTo(403);
      for (String reader : List.of("olga", "arne", "paula", "admin")) {
        assertThat(send(reader, "GET", path, null).statusCode()).as("%s GET %s", reader, path).isEqualTo(200);
      }
    }
    HttpResponse<String> api = send("olga", "GET", "/api/batches", null);
    assertThat(api.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"));
    assertThat(send("olga", "GET", "/audit/index.html", null).headers().firstValue("Content-Security-Policy")).isPresent();

    CookieManager cookies = new CookieManager();
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
    browser.send(HttpRequest.newBuilder(uri("/camunda/app/tasklist/" + engine.getName() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    String csrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .findFirst().orElseThrow().getValue();
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/"
            + engine.getName() + "/login/tasklist")).header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-XSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.ofString("username=arne&password=arne-secret")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(browser.send(HttpRequest.newBuilder(uri("/api/batches")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).as("the webapp login reads the API").isEqualTo(200);
    assertThat(browser.send(HttpRequest.newBuilder(uri(engineRest("/task"))).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).as("but not the engine REST API").isEqualTo(401);
  }

  @Test
  @Order(5)
  void inputsAreBoundedAndAuditCsvNeverCarriesAFormula() {
    String csv = "hostname,ip,mac\nn1,10.7.0.1,00:16:3e:07:00:01\n";
    assertThat(send("olga", "POST", "/api/batches?name=" + encode("fine\nApproved by admin"), csv).statusCode()).isEqualTo(400);
    assertThat(send("olga", "POST", "/api/batches?name=" + "x".repeat(5000), csv).statusCode()).isEqualTo(400);
    assertThat(send("olga", "POST", "/api/batches?name=" + encode("tab\there"), csv).statusCode()).isEqualTo(400);
    String waiting = batchIds().get(0);
    assertThat(send("arne", "POST", "/api/batches/" + waiting + "/approval",
        "{\"approved\": true, \"comment\": \"" + "x".repeat(2001) + "\"}").statusCode()).isEqualTo(400);
    String batch = submit("n1", "olga", "=HYPERLINK(\"http://example.org\",\"x\")");
    decide(batch, "arne", false, "@SUM(A1:A9)");
    String audit = send("arne", "GET", "/api/batches/" + batch + "/audit.csv", null).body();
    assertThat(audit).contains("\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\"", "'@SUM(A1:A9)");
    assertThat(audit.lines().skip(1).flatMap(line -> Stream.of(line.split(","))))
        .noneMatch(cell -> cell.startsWith("=") || cell.startsWith("@") || cell.startsWith("+"));
  }

  @Test
  @Order(6)
  void aCraftedInstanceCannotBreakTheApiForOtherBatches() {
    String batch = batchIds().get(0);
    HttpResponse<String> forged = send("admin", "POST", engineRest("/process-definition/key/provision-batch/start"),
        "{\"businessKey\": \"" + batch + "\", \"variables\": {\"vmList\": {\"value\": 42, \"type\": \"Integer\"},"
            + " \"guestCount\": {\"value\": \"many\"}, \"approved\": {\"value\": \"yes\"}}}");
    assertThat(forged.statusCode()).as("camunda-admin may start past the API: %s", forged.body()).isEqualTo(200);
    String forgedId = json(forged.body()).get("id").asText();
    HttpResponse<String> javaObject = send("admin", "POST", engineRest("/process-instance/" + forgedId + "/variables"),
        "{\"modifications\": {\"x\": {\"value\": \"\\\"http://example.org/long-enough\\\"\", \"type\": \"Object\", \"valueInfo\": {"
        + "\"objectTypeName\": \"java.net.URL\", \"serializationDataFormat\": \"application/json\"}}}}");
    HttpResponse<String> read = send("admin", "GET", engineRest("/process-instance/" + forgedId + "/variables/x"), null);
    // Jackson builds a java.net.URL from that string without a second thought; only the type validation stops it
    assertThat(javaObject.statusCode()).isEqualTo(204);
    assertThat(read.statusCode()).isNotEqualTo(200);
    assertThat(read.body()).contains("Cannot deserialize", "java.net.URL");

    assertThat(send("olga", "GET", "/api/batches", null).statusCode()).isEqualTo(200);
    assertThat(send("olga", "GET", "/api/batches/" + batch, null).statusCode()).isEqualTo(200);
    assertThat(send("olga", "GET", "/api/batches/" + batch + "/audit.csv", null).statusCode()).isEqualTo(200);
    assertThat(batchIds()).doesNotHaveDuplicates();
    assertThat(send("olga", "POST", "/api/batches", "hostname,ip,mac\nd1,10.8.0.1,00:16:3e:08:00:01\n").statusCode())
        .isEqualTo(201);
  }

  @Test
  @Order(7)
  void nobodyStartsOrSteersAGroupOrAGuestProcessDirectly() throws Exception {
    // an approved batch whose guest is held before its first step (as an administrator can in Cockpit)
    ManagementService management = engine.getManagementService();
    management.updateJobDefinitionSuspensionState().byProcessDefinitionKey(GUEST_PROCESS_KEY).suspend();
    // held until the end of this test, also when it fails: the next test provisions for real
    try {
      String batch = submit("held1", "olga");
      decide(batch, "arne", true);
      RuntimeService runtime = engine.getRuntimeService();
      Await.until("the held guest's instance", Duration.ofMinutes(1), Duration.ofMillis(100), () -> runtime
          .createProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY).processInstanceBusinessKey(batch).count() > 0, null);
      ProcessInstance guest = runtime.createProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY)
          .processInstanceBusinessKey(batch).singleResult();
      String group = runtime.createProcessInstanceQuery().processDefinitionKey(GROUP_PROCESS_KEY)
          .processInstanceBusinessKey(batch).singleResult().getId();
      String job = management.createJobQuery().processInstanceId(guest.getId()).singleResult().getId();
      String index = "{\"value\": 5, \"type\": \"Integer\"}";
      for (String user : ROLES) {
        refused(user, "POST", "/process-definition/key/" + GUEST_PROCESS_KEY + "/tenant-id/" + guest.getTenantId()
            + "/start",
            "{\"businessKey\": \"" + batch + "\", \"variables\": {\"guestIndex\": " + index + "}}");
        refused(user, "POST", "/process-definition/key/" + GROUP_PROCESS_KEY + "/start",
            "{\"businessKey\": \"" + batch + "\", \"variables\": {\"groupIndex\": " + index + "}}");
        refused(user, "PUT", "/process-instance/" + guest.getId() + "/variables/guestIndex", index);
        refused(user, "PUT", "/process-instance/" + group + "/variables/groupIndex", index);
        refused(user, "PUT", "/execution/" + group + "/localVariables/loopCounter", index);
        refused(user, "POST", "/process-instance/" + group + "/modification",
            "{\"instructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"CallActivity_ProvisionGuest\"}]}");
        refused(user, "POST", "/process-instance/" + guest.getId() + "/modification",
            "{\"instructions\": [{\"type\": \"startBeforeActivity\", \"activityId\": \"Task_WriteDomainConfig\"}]}");
        refused(user, "POST", "/job/" + job + "/execute", null);
        refused(user, "DELETE", "/process-instance/" + guest.getId(), null);
        refused(user, "DELETE", "/process-instance/" + group, null);
      }
      // nor by an administrator: the batch would wait forever for a guest cancelled on its own
      for (String instance : List.of(guest.getId(), group)) {
        HttpResponse<String> cancelled = send("admin", "DELETE", engineRest("/process-instance/" + instance), null);
        assertThat(cancelled.statusCode()).as("%s", cancelled.body()).isEqualTo(403);
        assertThat(cancelled.body()).contains("Cancel the batch's provision-batch instance");
      }
      assertThat(runtime.getVariable(guest.getId(), VAR_GUEST_INDEX)).isEqualTo(0);
      assertThat(runtime.getVariable(group, VAR_GROUP_INDEX)).isEqualTo(0);
      assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY).count()).isEqualTo(1);
      assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(GROUP_PROCESS_KEY).count()).isEqualTo(1);

      // the administrator gives up on it: nothing of it was ever written
      runtime.deleteProcessInstance(instanceOf(batch), "held for the test");
    } finally {
      management.updateJobDefinitionSuspensionState().byProcessDefinitionKey(GUEST_PROCESS_KEY).activate();
    }
    assertThat(root.resolve("images/held1.img")).doesNotExist();
    assertThat(root.resolve("xen/held1.cfg")).doesNotExist();
    assertThat(elsewhere).doesNotExist();
  }

  @Test
  @Order(8)
  void nobodyButTheEngineHoldsAGuestThroughItsJobs() throws Exception {
    ManagementService management = engine.getManagementService();
    RuntimeService runtime = engine.getRuntimeService();
    management.updateJobDefinitionSuspensionState().byProcessDefinitionKey(GUEST_PROCESS_KEY).suspend();
    try {
      String batch = submit("hold1", "olga");
      decide(batch, "arne", true);
      Await.until("the held guest's instance", Duration.ofMinutes(1), Duration.ofMillis(100), () -> runtime
          .createProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY).processInstanceBusinessKey(batch).count() > 0, null);
      ProcessInstance guest = runtime.createProcessInstanceQuery().processDefinitionKey(GUEST_PROCESS_KEY)
          .processInstanceBusinessKey(batch).singleResult();
      Job job = management.createJobQuery().processInstanceId(guest.getId()).singleResult();
      String jobPath = "/job/" + job.getId();
      String later = "\"2099-01-01T00:00:00.000+0000\"";
      for (String user : ROLES) {
        refused(user, "PUT", jobPath + "/retries", "{\"retries\": 0}");
        refused(user, "PUT", jobPath + "/retries", "{\"retries\": 3, \"dueDate\": " + later + "}");
        refused(user, "PUT", jobPath + "/duedate", "{\"duedate\": " + later + "}");
        refused(user, "PUT", jobPath + "/priority", "{\"priority\": -1000}");
        refused(user, "PUT", jobPath + "/suspended", "{\"suspended\": false}");
        refused(user, "DELETE", jobPath, null);
        // the engine counts a refused execution as a failure of the step: three would leave it no retries
        refused(user, "POST", jobPath + "/execute", null);
        refused(user, "PUT", "/job-definition/" + job.getJobDefinitionId() + "/retries", "{\"retries\": 0}");
        refused(user, "PUT", "/job-definition/" + job.getJobDefinitionId() + "/jobPriority", "{\"priority\": -1000}");
        refused(user, "PUT", "/job-definition/" + job.getJobDefinitionId() + "/suspended",
            "{\"suspended\": true, \"includeJobs\": true}");
        for (String instance : List.of(guest.getId(), instanceOf(batch))) {
          refused(user, "PUT", "/process-instance/" + instance + "/suspended", "{\"suspended\": true}");
        }
        refused(user, "PUT", "/process-definition/" + guest.getProcessDefinitionId() + "/suspended",
            "{\"suspended\": true, \"includeProcessInstances\": true}");
        refused(user, "PUT", "/process-definition/key/provision-batch/suspended",
            "{\"suspended\": true, \"includeProcessInstances\": true}");
      }
      Job after = management.createJobQuery().jobId(job.getId()).singleResult();
      assertThat(after.getRetries()).isEqualTo(job.getRetries());
      assertThat(after.getDuedate()).isEqualTo(job.getDuedate());
      assertThat(after.getPriority()).isEqualTo(job.getPriority());
      assertThat(runtime.createProcessInstanceQuery().suspended().count()).isZero();

      // a failed step (no retries left, an incident in Cockpit) is the operators' to retry, now and once or more
      for (String operator : List.of("olga", "paula")) {
        management.setJobRetries(job.getId(), 0);
        assertThat(engine.getRuntimeService().createIncidentQuery().configuration(job.getId()).count())
            .isEqualTo(1);
        refused(operator, "PUT", jobPath + "/retries", "{\"retries\": 0}");
        refused(operator, "PUT", jobPath + "/retries", "{\"retries\": 1, \"dueDate\": " + later + "}");
        refused("arne", "PUT", jobPath + "/retries", "{\"retries\": 1}");
        refused("nora", "PUT", jobPath + "/retries", "{\"retries\": 1}");
        HttpResponse<String> retried = send(operator, "PUT", engineRest(jobPath + "/retries"), "{\"retries\": 1}");
        assertThat(retried.statusCode()).as("%s retries a failed step: %s", operator, retried.body()).isEqualTo(204);
        assertThat(engine.getRuntimeService().createIncidentQuery().configuration(job.getId()).count())
            .isZero();
      }
      runtime.deleteProcessInstance(instanceOf(batch), "held for the test");
    } finally {
      management.updateJobDefinitionSuspensionState().byProcessDefinitionKey(GUEST_PROCESS_KEY).activate();
    }
    assertThat(root.resolve("images/hold1.img")).doesNotExist();
  }

  @Test
  @Order(9)
  void theApprovalTaskStaysTheEnginesAndWhatIsAddedToItIsBounded() {
    String batch = submit("t1", "paula");
    String task = taskOf(instanceOf(batch));
    String taskPath = "/task/" + task;
    JsonNode before = engineGet(taskPath, "admin");
    String rename = "{\"name\": \"PRE-APPROVED by security, just click Complete\", \"due\": \"2099-01-01T00:00:00.000+0000\","
        + " \"priority\": 100, \"assignee\": \"arne\"}";
    String deep = "{\"variables\": {\"approved\": {\"value\": " + "[".repeat(5000) + "]".repeat(5000) + "}}}";
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"attachment-name\"\r\n\r\nnotes\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"content\"; filename=\"notes.txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\nPRE-APPROVED\r\n--b--\r\n";
    for (String user : List.of("olga", "arne", "paula", "nora", "admin")) {
      refused(user, "PUT", taskPath, rename);
      refused(user, "POST", taskPath + "/delegate", "{\"userId\": \"olga\"}");
      refused(user, "POST", taskPath + "/identity-links", "{\"userId\": \"paula\", \"type\": \"candidate\"}");
      refused(user, "POST", taskPath + "/identity-links/delete", "{\"groupId\": \"approvers\", \"type\": \"candidate\"}");
      refused(user, "POST", taskPath + "/assignee", "{\"userId\": \"olga\"}");
      refused(user, "POST", taskPath + "/comment/create", "{\"message\": \"" + "x".repeat(2001) + "\"}");
      HttpResponse<String> attachment = api().send("POST", engineRest(taskPath + "/attachment/create"), user,
          "multipart/form-data; boundary=b", multipart);
      assertThat(attachment.statusCode()).as("%s adds an attachment: %s", user, attachment.body()).isEqualTo(403);
      HttpResponse<String> huge = send(user, "POST", engineRest(taskPath + "/comment/create"),
          "{\"message\": \"" + "x".repeat(5 << 20) + "\"}");
      assertThat(huge.statusCode()).as("%s sends a 5 MB comment", user).isEqualTo(413);
      HttpResponse<String> nested = send(user, "POST", engineRest(taskPath + "/complete"), deep);
      assertThat(nested.statusCode()).as("%s sends JSON 5000 levels deep: %s", user, nested.body()).isEqualTo(400);
    }
    for (String path : List.of(taskPath, taskPath + "/comment/create", taskPath + "/attachment/create", "/job/retries")) {
      assertThat(api().send("POST", engineRest(path), null, "application/json", "{}").statusCode())
          .as("anonymous POST %s", path).isEqualTo(401);
    }
    refused("nora", "POST", taskPath + "/comment/create", "{\"message\": \"hello\"}");
    // the submitter takes her own approval neither by claiming it nor by naming herself its assignee
    refused("paula", "POST", taskPath + "/assignee", "{\"userId\": \"paula\"}");
    // an approver who may decide takes it and hands it back; readers comment, up to a bound
    assertThat(send("arne", "POST", engineRest(taskPath + "/assignee"), "{\"userId\": \"arne\"}").statusCode()).isEqualTo(204);
    assertThat(send("arne", "POST", engineRest(taskPath + "/unclaim"), null).statusCode()).isEqualTo(204);
    int comments = 0;
    for (String user : List.of("olga", "arne", "paula")) {
      HttpResponse<String> comment = send(user, "POST", engineRest(taskPath + "/comment/create"),
          "{\"message\": \"" + "y".repeat(2000) + "\"}");
      assertThat(comment.statusCode()).as("%s comments: %s", user, comment.body()).isEqualTo(200);
      comments++;
    }
    while (comments < TaskNotesLimit.MAX_COMMENTS) {
      assertThat(send("olga", "POST", engineRest(taskPath + "/comment/create"), "{\"message\": \"n\"}").statusCode())
          .isEqualTo(200);
      comments++;
    }
    refused("arne", "POST", taskPath + "/comment/create", "{\"message\": \"one more\"}");

    JsonNode after = engineGet(taskPath, "admin");
    for (String field : List.of("name", "due", "priority", "assignee", "owner", "description", "followUp")) {
      assertThat(after.get(field)).as(field).isEqualTo(before.get(field));
    }
    assertThat(engine.getTaskService().getTaskAttachments(task)).isEmpty();
    assertThat(engine.getTaskService().getTaskComments(task)).hasSize(TaskNotesLimit.MAX_COMMENTS)
        .allSatisfy(comment -> assertThat(comment.getFullMessage()).hasSizeLessThanOrEqualTo(2000));
    assertThat(engine.getTaskService().getIdentityLinksForTask(task)).extracting(link -> link.getGroupId())
        .containsExactly("approvers");
    decide(batch, "arne", false);
    assertThat(state(batch)).isEqualTo("REJECTED");
  }

  @Test
  @Order(10)
  void anHonestBatchStillProvisionsAndNothingExistsOutsideTheConfiguredDirectories() throws Exception {
    String batch = submit("honest1", "olga");
    decide(batch, "arne", true);
    Await.until("batch " + batch + " to finish", Duration.ofMinutes(3), Duration.ofMillis(250),
        () -> state(batch).startsWith("COMPLETED"), () -> state(batch));
    assertThat(state(batch)).isEqualTo("COMPLETED");
    assertThat(elsewhere).doesNotExist();
    List<String> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(Files::isRegularFile).map(root::relativize).map(Path::toString)
          .filter(file -> !file.startsWith("data/") && !file.startsWith("base/")).forEach(files::add);
    }
    assertThat(files).containsExactlyInAnyOrder("images/honest1.img", "xen/honest1.cfg");
    assertThat(Files.readString(canary)).isEqualTo(CANARY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canary)))
        .isEqualTo("rw-------");
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Refused: any 4xx but 401 (every user here is logged in), never a 500, never a success. */
  private void refused(String user, String method, String path, String body) {
    HttpResponse<String> response = send(user, method, engineRest(path), body);
    assertThat(response.statusCode()).as("%s %s %s as %s: %s", method, path, body, user, response.body())
        .isBetween(400, 499).isNotEqualTo(401);
  }

  private String submit(String hostname, String user) {
    return submit(hostname, user, hostname);
  }

  private String submit(String hostname, String user, String name) {
    int n = Math.abs(hostname.hashCode() % 200) + 1;
    String csv = "hostname,ip,mac\n" + hostname + ",10.66." + n + ".10," + String.format("00:16:3e:66:%02x:10", n) + "\n";
    HttpResponse<String> response = send(user, "POST", "/api/batches?name=" + encode(name), csv);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json(response.body()).get("id").asText();
  }

  private void decide(String batch, String user, boolean approved) {
    decide(batch, user, approved, "ok");
  }

  private void decide(String batch, String user, boolean approved, String comment) {
    HttpResponse<String> response = send(user, "POST", "/api/batches/" + batch + "/approval",
        "{\"approved\": " + approved + ", \"comment\": " + quote(comment) + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private String state(String batch) {
    return json(send("admin", "GET", "/api/batches/" + batch, null).body()).get("state").asText();
  }

  private List<String> batchIds() {
    return json(send("admin", "GET", "/api/batches", null).body()).findValuesAsText("id");
  }

  private String instanceOf(String batch) {
    return engineGet("/history/process-instance?processDefinitionKey=provision-batch&processInstanceBusinessKey=" + batch, "admin").get(0).get("id").asText();
  }

  private String taskOf(String instance) {
    return engineGet("/task?processInstanceId=" + instance, "admin").get(0).get("id").asText();
  }

  private JsonNode engineGet(String path, String user) {
    HttpResponse<String> response = send(user, "GET", engineRest(path), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  private String engineRest(String path) {
    return "/engine-rest/engine/" + engine.getName() + path;
  }

  private HttpResponse<String> send(String user, String method, String path, String body) {
    return api().send(method, path, user,
        path.startsWith("/api/batches") && !path.contains("/approval") ? "text/csv" : "application/json", body);
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(body, e);
    }
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String quote(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
