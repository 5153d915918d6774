package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;

/**
 * Retry over HTTP against the real application on real loop devices: a finished batch's rolled-back
 * guest (its MAC assigned) goes into a new batch linked to the old one, through claims and four-eyes
 * approval, and is provisioned once its cause is gone. Every role tries {@code /retry} and
 * {@code /plan}: operators ({@code olga}), approvers ({@code arne}), both ({@code paula}), none
 * ({@code nora}), nobody; refusals are JSON and leave the disk as it was.
 */
class RetryIntegrationTests extends RealAppTest {

  @BeforeAll
  static void requireLoopDevices() {
    RealHost.assumeLoopDevicesUsable();
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TestApp.registerEveryRole(registry);
  }

  @Test
  void retryProvisionsTheRolledBackGuestAfterAFreshFourEyesApproval() throws Exception {
    ApiClient api = api();
    // a file where fail01's mount point goes: it fails at step 3 and is rolled back
    Path blocker = Files.writeString(root.resolve("mnt/fail01"), "not a directory\n");
    String id = api.submit(null, "hostname,ip,mac\nok01,10.50.0.11,00:16:3e:50:00:11\nfail01,10.50.0.12,\n");
    api.approveAndWait(id, null);
    JsonNode old = api.get("/api/batches/" + id, "olga").body();
    assertThat(old.get("state").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
    JsonNode failed = ApiClient.byHostname(old.get("guestList")).get("fail01");
    assertThat(failed.get("state").asText()).isEqualTo("ROLLED_BACK");

    assertThat(api.post("/api/batches/nosuchbatch/retry", "olga", "application/json", "").status()).isEqualTo(404);
    ApiClient.Reply retried = api.post("/api/batches/" + id + "/retry", "olga", "application/json", "");
    assertThat(retried.status()).as("%s", retried.body()).isEqualTo(201);
    String retry = retried.body().get("id").asText();
    assertThat(retried.body().get("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(retried.body().get("guests").asInt()).isEqualTo(1);
    assertThat(retried.body().get("retryOf").asText()).isEqualTo(id);

    JsonNode detail = api.get("/api/batches/" + retry, "arne").body();
    assertThat(detail.get("retryOf").asText()).isEqualTo(id);
    assertThat(detail.get("submittedBy").asText()).isEqualTo("olga");
    assertThat(detail.get("guestList")).hasSize(1);
    JsonNode guest = detail.get("guestList").get(0);
    for (String field : List.of("hostname", "ip", "mac", "dom0", "line", "macAssigned")) {
      assertThat(guest.get(field)).as(field).isEqualTo(failed.get(field));
    }
    assertThat(guest.get("macAssigned").asBoolean()).isTrue();
    assertThat(api.get("/api/batches/" + id, "arne").body().get("retries").get(0).asText()).isEqualTo(retry);
    assertThat(api.get("/api/batches", "arne").body().get(0).get("retryOf").asText()).isEqualTo(id);

    ApiClient.Reply twice = api.post("/api/batches/" + id + "/retry", "olga", "application/json", "");
    assertThat(twice.status()).as("fail01 is claimed by the open retry: %s", twice.body()).isEqualTo(400);
    assertThat(twice.body().toString()).contains("claimed by batch " + retry);
    ApiClient.Reply unfinished = api.post("/api/batches/" + retry + "/retry", "olga", "application/json", "");
    assertThat(unfinished.status()).isEqualTo(409);
    assertThat(unfinished.body().get("error").asText()).contains("AWAITING_APPROVAL");

    assertThat(api.post("/api/batches/" + retry + "/approval", "olga", "application/json", "{\"approved\": true}").status())
        .as("four eyes: the operator who retried cannot approve").isEqualTo(403);
    Files.delete(blocker);
    ApiClient.Reply approved = api.post("/api/batches/" + retry + "/approval", "paula", "application/json",
        "{\"approved\": true, \"comment\": \"mount point fixed\"}");
    assertThat(approved.status()).as("%s", approved.body()).isEqualTo(200);
    JsonNode done = api.waitUntilFinished(retry);
    assertThat(done.get("state").asText()).as("%s", done).isEqualTo("COMPLETED");
    assertThat(done.get("approvedBy").asText()).isEqualTo("paula");
    assertThat(root.resolve("xen/fail01.cfg")).content().contains("mac=" + failed.get("mac").asText());
    assertThat(RealHost.readInImage(root.resolve("images/fail01.img"), "/etc/hostname")).isEqualTo("fail01\n");

    assertThat(api.post("/api/batches/" + retry + "/retry", "olga", "application/json", "").status())
        .as("nothing was rolled back").isEqualTo(409);
    String rejected = api.submit(null, "hostname,ip,mac\nrej01,10.50.0.21,00:16:3e:50:00:21\n");
    assertThat(api.post("/api/batches/" + rejected + "/approval", "arne", "application/json", "{\"approved\": false}").status())
        .isEqualTo(200);
    ApiClient.Reply ofRejected = api.post("/api/batches/" + rejected + "/retry", "olga", "application/json", "");
    assertThat(ofRejected.status()).as("a rejected batch rolled nothing back: %s", ofRejected.body()).isEqualTo(409);
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  @Test
  void onlyOperatorsRetryAndEveryBatchReaderSeesThePlan() throws Exception {
    ApiClient api = api();
    Path blocker = Files.writeString(root.resolve("mnt/role01"), "not a directory\n");
    String id = api.submit(null, "hostname,ip,mac\nrole01,10.60.0.11,00:16:3e:60:00:11\n");
    api.approveAndWait(id, null);
    Files.delete(blocker);
    List<String> imagesBefore = RealHost.fileNames(root.resolve("images")).stream().sorted().toList();
    List<String> configsBefore = RealHost.fileNames(root.resolve("xen")).stream().sorted().toList();
    int batchesBefore = api.get("/api/batches", "arne").body().size();

    for (String user : new String[] {"arne", "nora"}) {
      ApiClient.Reply refused = api.post("/api/batches/" + id + "/retry", user, "application/json", "");
      assertThat(refused.status()).as(user).isEqualTo(403);
      assertThat(refused.body().get("error").asText()).as(user).isNotBlank();
    }
    assertThat(api.post("/api/batches/" + id + "/retry", null, "application/json", "").status()).isEqualTo(401);
    assertThat(api.get("/api/batches", "arne").body().size()).as("no batch made by a refused retry").isEqualTo(batchesBefore);

    for (String reader : new String[] {"olga", "arne", "paula"}) {
      ApiClient.Reply plan = api.get("/api/batches/" + id + "/plan", reader);
      assertThat(plan.status()).as(reader).isEqualTo(200);
      assertThat(plan.body().get(0).get("files").findValuesAsText("path")).as(reader).contains("/etc/hostname");
    }
    ApiClient.Reply nora = api.get("/api/batches/" + id + "/plan", "nora");
    assertThat(nora.status()).isEqualTo(403);
    assertThat(nora.body().get("error").asText()).contains("nora");
    assertThat(api.get("/api/batches/" + id + "/plan", null).status()).isEqualTo(401);

    ApiClient.Reply both = api.post("/api/batches/" + id + "/retry", "paula", "application/json", "");
    assertThat(both.status()).as("operators and approvers: %s", both.body()).isEqualTo(201);
    ApiClient.Reply ownApproval = api.post("/api/batches/" + both.body().get("id").asText() + "/approval", "paula",
        "application/json", "{\"approved\": true}");
    assertThat(ownApproval.status()).as("paula retried it, so she cannot approve it").isEqualTo(403);

    assertThat(RealHost.fileNames(root.resolve("images")).stream().sorted().toList()).as("plans and retries write no image")
        .isEqualTo(imagesBefore);
    assertThat(RealHost.fileNames(root.resolve("xen")).stream().sorted().toList()).as("nor a domain config")
        .isEqualTo(configsBefore);
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }
}
