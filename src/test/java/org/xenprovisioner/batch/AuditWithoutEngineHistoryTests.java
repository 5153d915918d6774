package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/**
 * An admin deletes a finished batch's engine history through {@code /engine-rest} (the batch's
 * instance and every instance it called): the API, audit.csv and the audit page still tell who
 * decided, why, and what became of each guest, from the ledger, in the right state, and say that the
 * engine's detail is gone. Every role reads what it read before.
 */
class AuditWithoutEngineHistoryTests extends RealAppTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ROLES = java.util.Arrays.asList("olga", "arne", "paula", "nora", null);

  @BeforeAll
  static void requireLoopDevices() {
    RealHost.assumeLoopDevicesUsable();
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestApp.registerEveryRole(registry);
    registry.add("PROVISIONER_ADMIN_PASSWORD", () -> "admin-secret");
  }

  @Test
  void aFinishedBatchKeepsItsDecisionOutcomesAndStateWhenItsEngineHistoryIsDeleted() throws Exception {
    ApiClient api = api();
    // a file where fail01's mount point goes: it fails at step 3 and is rolled back
    Files.writeString(root.resolve("mnt/fail01"), "not a directory\n");
    String id = api.submit("kept", "hostname,ip,mac\nok01,10.60.0.11,00:16:3e:60:00:11\nfail01,10.60.0.12,00:16:3e:60:00:12\n");
    JsonNode before = api.approveAndWait(id, "looks right");
    assertThat(before.get("state").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(before.get("engineHistory").asText()).isEqualTo("kept");
    Map<String, Integer> statusesBefore = statuses(id);

    assertThat(deleteEngineHistory(id)).as("the batch's, its group's and its two guests' instances").isGreaterThanOrEqualTo(4);

    JsonNode after = api.get("/api/batches/" + id, "arne").body();
    assertThat(after.get("engineHistory").asText()).isEqualTo("deleted");
    assertThat(after.get("state").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(after.get("approvedBy").asText()).isEqualTo("arne");
    assertThat(after.get("approval")).isEqualTo(before.get("approval"));
    assertThat(after.get("approval").get("comment").asText()).isEqualTo("looks right");
    assertThat(after.get("provisioned").asInt()).isEqualTo(1);
    assertThat(after.get("rolledBack").asInt()).isEqualTo(1);
    assertThat(after.get("finishedAt").isNull()).as("the ledger keeps when the batch ended").isFalse();
    Map<String, JsonNode> guests = ApiClient.byHostname(after.get("guestList"));
    assertThat(guests.get("ok01").get("state").asText()).isEqualTo("PROVISIONED");
    assertThat(guests.get("fail01").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guests.get("fail01").get("error").asText()).startsWith("Guest fail01").isEqualTo(
        ApiClient.byHostname(before.get("guestList")).get("fail01").get("error").asText());
    assertThat(guests.get("ok01").get("steps")).as("the steps' timings were the engine's").isEmpty();
    assertThat(withoutEngineDetail(after)).as("everything but the engine's detail is as before").isEqualTo(withoutEngineDetail(before));

    JsonNode listed = listed(id, "olga");
    assertThat(listed.get("state").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(listed.get("approvedBy").asText()).isEqualTo("arne");
    assertThat(listed.get("engineHistory").asText()).isEqualTo("deleted");
    assertThat(api.get("/api/batches?state=COMPLETED_WITH_FAILURES", "arne").body().findValuesAsText("id")).contains(id);

    List<CSVRecord> csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
        .parse(new StringReader(api.getText("/api/batches/" + id + "/audit.csv", "arne"))).getRecords();
    assertThat(csv).hasSize(2).allSatisfy(line -> {
      assertThat(line.get("batchState")).isEqualTo("COMPLETED_WITH_FAILURES");
      assertThat(line.get("approvedBy")).isEqualTo("arne");
      assertThat(line.get("approved")).isEqualTo("true");
      assertThat(line.get("comment")).isEqualTo("looks right");
      assertThat(line.get("engineHistory")).isEqualTo("deleted");
    });
    Map<String, CSVRecord> byHost = new HashMap<>();
    csv.forEach(line -> byHost.put(line.get("hostname"), line));
    assertThat(byHost.get("ok01").get("guestState")).isEqualTo("PROVISIONED");
    assertThat(byHost.get("fail01").get("guestState")).isEqualTo("ROLLED_BACK");
    assertThat(byHost.get("fail01").get("error")).startsWith("Guest fail01");

    // the page is drawn by its script from the API: it shows the note where the engine's detail is gone
    assertThat(api.send("GET", "/audit/index.html", "arne", null, null).statusCode()).isEqualTo(200);
    String script = api.send("GET", "/audit/audit.js", "arne", null, null).body();
    assertThat(script).contains("batch.engineHistory === 'deleted'").contains("['Engine history'")
        .contains("the engine's detail of this batch is gone");

    assertThat(statuses(id)).as("each role reads what it read before").isEqualTo(statusesBefore);
    assertThat(statusesBefore).containsEntry("olga GET /api/batches/" + id, 200).containsEntry("paula GET /api/batches", 200)
        .containsEntry("nora GET /api/batches/" + id, 403).containsEntry("anonymous GET /api/batches/" + id + "/audit.csv", 401);
  }

  @Test
  void aRejectedBatchStaysRejectedWithoutItsEngineHistory() throws Exception {
    ApiClient api = api();
    String id = api.submit("refused", "hostname,ip,mac\nno01,10.60.1.11,00:16:3e:60:01:11\n");
    ApiClient.Reply rejected = api.post("/api/batches/" + id + "/approval", "arne", "application/json",
        "{\"approved\": false, \"comment\": \"wrong network\"}");
    assertThat(rejected.status()).as("%s", rejected.body()).isEqualTo(200);
    assertThat(deleteEngineHistory(id)).as("a rejected batch called nothing").isEqualTo(1);

    JsonNode after = api.get("/api/batches/" + id, "paula").body();
    assertThat(after.get("state").asText()).isEqualTo("REJECTED");
    assertThat(after.get("engineHistory").asText()).isEqualTo("deleted");
    assertThat(after.get("approval").get("approved").asBoolean()).isFalse();
    assertThat(after.get("approval").get("by").asText()).isEqualTo("arne");
    assertThat(after.get("approval").get("comment").asText()).isEqualTo("wrong network");
    assertThat(after.get("guestList").get(0).get("state").asText()).isEqualTo("PENDING");
  }

  /** As an admin would: every historic instance of the batch (its own, its groups', its guests'), through /engine-rest. */
  private int deleteEngineHistory(String batchId) throws Exception {
    String base = "/engine-rest/engine/" + engine.getName() + "/history/process-instance";
    JsonNode batch = JSON.readTree(admin("GET", base + "?processDefinitionKey=provision-batch&processInstanceBusinessKey=" + batchId).body());
    assertThat(batch).hasSize(1);
    JsonNode instances = JSON.readTree(admin("GET", base + "?rootProcessInstanceId=" + batch.get(0).get("id").asText()).body());
    for (JsonNode instance : instances) {
      assertThat(admin("DELETE", base + "/" + instance.get("id").asText()).statusCode()).isEqualTo(204);
    }
    assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceBusinessKey(batchId).count()).isZero();
    return instances.size();
  }

  private HttpResponse<String> admin(String method, String path) {
    return api().sendWith("admin:admin-secret", method, path, null, null);
  }

  /** What each role (and nobody) gets from the batch reads. */
  private Map<String, Integer> statuses(String id) {
    Map<String, Integer> statuses = new HashMap<>();
    for (String user : ROLES) {
      for (String path : List.of("/api/batches", "/api/batches/" + id, "/api/batches/" + id + "/audit.csv")) {
        statuses.put((user == null ? "anonymous" : user) + " GET " + path, api().send("GET", path, user, null, null).statusCode());
      }
    }
    return statuses;
  }

  private JsonNode listed(String id, String user) {
    for (JsonNode batch : api().get("/api/batches", user).body()) {
      if (batch.get("id").asText().equals(id)) {
        return batch;
      }
    }
    throw new AssertionError("batch " + id + " is not listed");
  }

  private static JsonNode withoutEngineDetail(JsonNode batch) {
    ObjectNode copy = batch.deepCopy();
    copy.remove(List.of("engineHistory", "finishedAt"));
    copy.get("guestList").forEach(guest -> ((ObjectNode) guest).remove(List.of("steps", "undone")));
    return copy;
  }
}
