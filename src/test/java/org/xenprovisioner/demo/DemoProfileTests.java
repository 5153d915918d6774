package org.xenprovisioner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.batch.BatchHistory;
import org.xenprovisioner.batch.BatchSummary;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/** The demo profile as a newcomer starts it, with ./data/demo moved to a temp directory. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
@ExtendWith(OutputCaptureExtension.class)
class DemoProfileTests {

  private static final long BASE_DATA = 8 * 1024 * 1024;
  private static Path root;

  @LocalServerPort
  private int port;
  @Autowired
  private IdentityService identity;
  @Autowired
  private TaskService tasks;
  @Autowired
  private BatchHistory history;
  @Autowired
  private DemoSetup setup;

  @BeforeAll
  static void requireRoot() throws IOException {
    RealHost.assumeLoopDevicesUsable();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(root);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    root = Files.createTempDirectory("xenprov-demo-");
    TestApp.registerDemo(registry, root, BASE_DATA + "B");
    registry.add("camunda.bpm.job-execution.enabled", () -> "false");
  }

  @Test
  void buildsBaseImageWithRealDataCreatesDemoUsersAndLeavesTheSampleBatchWaitingForApproval(CapturedOutput output)
      throws IOException {
    Path image = root.resolve("base/demo-base.img");
    assertThat(image).isRegularFile();
    assertThat(RealHost.readInImage(image, "/etc/redhat-release")).contains("CentOS");
    assertThat(RealHost.allocatedBytes(image)).as("the data a copy must really move").isGreaterThan(BASE_DATA)
        .as("sparse").isLessThan(Files.size(image) / 2);

    Path users = root.resolve(DemoSetup.USERS_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
    Map<String, String> passwords = demoUsers();
    assertThat(passwords).containsOnlyKeys("operator", "approver");
    passwords.forEach((user, password) -> assertThat(identity.checkPassword(user, password)).as(user).isTrue());
    // the start, captured since this class began, printed them once, as the file has them
    assertThat(output.getOut()).contains("=== xen-provisioner demo users (also in " + users + ", owner-only) ===\n"
        + "operator:" + passwords.get("operator") + "\napprover:" + passwords.get("approver") + "\n");
    assertThat(identity.createUserQuery().userId("approver").memberOfGroup("approvers").count()).isEqualTo(1);
    assertThat(identity.createUserQuery().userId("operator").memberOfGroup("operators").count()).isEqualTo(1);

    BatchSummary demo = demoBatch();
    assertThat(demo.submittedBy()).isEqualTo("operator");
    assertThat(demo.guests()).isEqualTo(3);
    Task task = tasks.createTaskQuery().processInstanceBusinessKey(demo.id()).singleResult();
    assertThat(task.getTaskDefinitionKey()).isEqualTo("approve-batch");
    assertThat(tasks.createTaskQuery().taskCandidateUser("approver").count()).isGreaterThanOrEqualTo(1);
  }

  /** The README's curl walkthrough, as written, with the users file's lines as credentials. */
  @Test
  void demoUsersSubmitAndApproveTheSecondSampleListOverTheApi() throws Exception {
    Map<String, String> passwords = demoUsers();
    String operator = "operator:" + passwords.get("operator");
    String approver = "approver:" + passwords.get("approver");

    HttpResponse<String> submitted = send(operator, "/api/batches?name=app-tier", "text/csv",
        Files.readString(Path.of("config/vm_list_2.csv")));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    assertThat(submitted.body()).contains("\"state\":\"AWAITING_APPROVAL\"", "\"guests\":3");
    String id = submitted.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");

    HttpResponse<String> approved = send(approver, "/api/batches/" + id + "/approval", "application/json",
        "{\"approved\": true, \"comment\": \"go\"}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(approved.body()).contains("\"state\":\"RUNNING\"", "\"approvedBy\":\"approver\"");
  }

  @Test
  void aRestartSaysWhereThePasswordsAreAndWhatBecameOfTheSampleBatchAndSubmitsNothing(CapturedOutput output) throws IOException {
    int before = history.list().size();
    int startedAt = output.getOut().length();

    setup.introduce();

    String restart = output.getOut().substring(startedAt);
    assertThat(history.list()).hasSize(before);
    assertThat(restart).doesNotContain("=== xen-provisioner demo users")
        .contains("Demo: the users operator and approver exist from an earlier start; their passwords are in "
            + root.resolve(DemoSetup.USERS_FILE) + " (owner-only)")
        .containsPattern("Demo: batch " + demoBatch().id() + ", submitted at an earlier start, waits for approval in Tasklist "
            + "http://127\\.0\\.0\\.1:" + port + "/camunda/app/tasklist/ \\(as approver\\)");
    demoUsers().values().forEach(password -> assertThat(restart).doesNotContain(password));
  }

  private BatchSummary demoBatch() {
    List<BatchSummary> demo = history.list().stream().filter(batch -> "demo".equals(batch.name())).toList();
    assertThat(demo).hasSize(1);
    return demo.get(0);
  }

  private static Map<String, String> demoUsers() throws IOException {
    return Files.readAllLines(root.resolve(DemoSetup.USERS_FILE)).stream().filter(line -> !line.startsWith("#"))
        .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(':')), line -> line.substring(line.indexOf(':') + 1)));
  }

  private HttpResponse<String> send(String credentials, String path, String contentType, String body) {
    return new ApiClient(port).sendWith(credentials, "POST", path, contentType, body);
  }
}
