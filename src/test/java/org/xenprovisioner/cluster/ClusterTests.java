package org.xenprovisioner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.ChildApp;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestApp;
import org.xenprovisioner.testing.TestImages;

/**
 * Two nodes as two Dom0s ({@code dom0-a}, {@code dom0-b}): two child JVMs of the real application on
 * one real PostgreSQL, each with its own directories and base image, on real loop devices. A batch
 * accepted by node A spreads over both; one guest fails on each Dom0 and is rolled back there; node
 * B is killed with SIGKILL in the middle of a copy, node A's guests finish while B's wait, and B,
 * started again, releases its own job locks and host leftovers and finishes its guests. Every file
 * must land on its own Dom0, every step must have run on its Dom0's node (the engine's job log
 * records the node), and nothing may be left attached, mounted or half-copied.
 */
class ClusterTests {

  private static final String HEARTBEAT = "PT1S";
  private static EmbeddedPostgres postgres;
  private static Path work;
  private static Path rootA;
  private static Path rootB;
  private static ChildApp nodeA;
  private static ChildApp nodeB;

  @BeforeAll
  static void startPostgresAndBothNodes() throws Exception {
    RealHost.assumeLoopDevicesUsable();
    work = Files.createTempDirectory("xenprov-cluster-");
    postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres")).setCleanDataDirectory(true).start();
    rootA = TestApp.createRoot("xenprov-dom0-a-");
    rootB = TestApp.createRoot("xenprov-dom0-b-");
    TestImages.rhelBase(rootA.resolve("base"));
    // data enough that B's copies take a moment and the kill lands while one runs
    TestImages.rhelBase(rootB.resolve("base"), 1024, 200);
    nodeA = new ChildApp("dom0-a", work, node(rootA, "dom0-a"));
    nodeB = new ChildApp("dom0-b", work, node(rootB, "dom0-b"));
    // one after the other: the first creates the schema
    nodeA.start();
    nodeB.start();
  }

  private static List<String> node(Path root, String dom0) {
    return ChildApp.clusterNode(root, postgres.getPort(), dom0, HEARTBEAT);
  }

  /** Each node, the database and each directory, every one of them also when one before it failed to stop. */
  @AfterAll
  static void stopEverything() throws Exception {
    RealHost.everyOne(() -> ChildApp.destroyKeepingLogs(nodeA), () -> ChildApp.destroyKeepingLogs(nodeB), () -> {
      if (postgres != null) {
        postgres.close();
      }
    }, () -> RealHost.cleanUp(rootA), () -> RealHost.cleanUp(rootB), () -> RealHost.cleanUp(work));
  }

  @Test
  void aBatchSpreadOverTwoDom0sFinishesOnEachOfThemAfterOneNodeIsKilledAndRestarted() throws Exception {
    ApiClient a = nodeA.api();
    assertThat(a.get("/api/dom0s", "olga").body().findValuesAsText("name")).containsExactly("dom0-a", "dom0-b");
    JsonNode unknown = a.post("/api/batches", "olga", "text/csv", "hostname,ip,mac,dom0\nx1,10.5.0.1,00:16:3e:05:00:01,dom0-z\n")
        .body().get("errors").get(0);
    assertThat(unknown.get("line").asInt()).isEqualTo(2);
    assertThat(unknown.get("column").asText()).isEqualTo("dom0");

    String csv = """
        hostname,ip,mac,dom0
        alpha1,10.5.1.1,00:16:3e:05:01:01,
        alpha2,10.5.1.2,00:16:3e:05:01:02,dom0-a
        alpha3,10.5.1.3,00:16:3e:05:01:03,
        beta1,10.5.2.1,00:16:3e:05:02:01,dom0-b
        beta2,10.5.2.2,00:16:3e:05:02:02,dom0-b
        beta3,10.5.2.3,00:16:3e:05:02:03,dom0-b
        beta4,10.5.2.4,00:16:3e:05:02:04,dom0-b
        """;
    ApiClient.Reply submitted = a.post("/api/batches?name=cluster", "olga", "text/csv", csv);
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    // a file where one guest's mount point goes on each Dom0: that guest fails after its copy and is rolled back there
    Files.writeString(rootA.resolve("mnt/alpha3"), "not a directory\n");
    Files.writeString(rootB.resolve("mnt/beta3"), "not a directory\n");
    // only dom0-b's node can see that an image of beta4 is there already: its step 1 fails the guest
    Files.writeString(rootB.resolve("images/beta4.img"), "someone else's image\n");
    assertThat(nodeB.api().post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}")
        .status()).as("any node decides").isEqualTo(200);

    awaitOrFail("an image copy on dom0-b",
        () -> nodeB.copies().findAny().isPresent() && !RealHost.partialCopies(rootB.resolve("images")).isEmpty());
    nodeB.kill();
    assertThat(RealHost.partialCopies(rootB.resolve("images"))).as("the kill left a half-copied image, as a real crash would").isNotEmpty();

    awaitOrFail("dom0-a's guests to finish while dom0-b is down", () -> guests(a, id).entrySet().stream()
        .filter(guest -> guest.getKey().startsWith("alpha"))
        .allMatch(guest -> List.of("PROVISIONED", "ROLLED_BACK").contains(guest.getValue().get("state").asText())));
    JsonNode waiting = a.get("/api/batches/" + id, "olga").body();
    assertThat(waiting.get("state").asText()).isEqualTo("RUNNING");
    assertThat(guests(a, id).get("beta1").get("state").asText()).isIn("PENDING", "RUNNING");
    awaitOrFail("dom0-b to be seen as down", () -> !dom0(a, "dom0-b").get("alive").asBoolean());
    assertThat(dom0(a, "dom0-a").get("alive").asBoolean()).isTrue();

    nodeB.start();
    String log = Files.readString(nodeB.log());
    assertThat(log).contains("job lock(s) this Dom0's node (dom0-b) held when it stopped");
    JsonNode batch = a.waitUntilFinished(id, Duration.ofMinutes(4));
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED_WITH_FAILURES");
    Map<String, JsonNode> guests = guests(a, id);
    for (String provisioned : List.of("alpha1", "alpha2", "beta1", "beta2")) {
      assertThat(guests.get(provisioned).get("state").asText()).as(provisioned).isEqualTo("PROVISIONED");
    }
    assertThat(guests.get("alpha3").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guests.get("beta3").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guests.get("beta3").get("undone").findValuesAsText("id")).contains("Task_DeleteImage");
    assertThat(guests.get("beta4").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guests.get("beta4").get("error").asText()).contains("Read guest info", "already exists");
    assertThat(guests.get("beta4").get("steps").findValuesAsText("id")).containsExactly("Task_ReadGuestInfo");
    assertThat(rootB.resolve("images/beta4.img")).hasContent("someone else's image\n");
    assertThat(guests.get("beta1").get("dom0").asText()).isEqualTo("dom0-b");
    assertThat(guests.get("beta1").get("image").asText()).isEqualTo(rootB.resolve("images/beta1.img").toString());

    // every file on its own Dom0, nothing of the other's there, nothing left
    assertThat(RealHost.fileNames(rootA.resolve("images"))).containsExactlyInAnyOrder("alpha1.img", "alpha2.img");
    assertThat(RealHost.fileNames(rootA.resolve("xen"))).containsExactlyInAnyOrder("alpha1.cfg", "alpha2.cfg");
    assertThat(RealHost.fileNames(rootB.resolve("images"))).containsExactlyInAnyOrder("beta1.img", "beta2.img", "beta4.img");
    assertThat(RealHost.fileNames(rootB.resolve("xen"))).containsExactlyInAnyOrder("beta1.cfg", "beta2.cfg");
    assertThat(RealHost.readInImage(rootB.resolve("images/beta1.img"), "/etc/hostname")).isEqualTo("beta1\n");
    assertThat(rootB.resolve("xen/beta2.cfg")).content().contains("target=" + rootB.resolve("images/beta2.img"));
    assertThat(rootA.resolve("mnt/alpha3")).hasContent("not a directory\n");
    assertThat(rootB.resolve("mnt/beta3")).hasContent("not a directory\n");
    for (Path root : List.of(rootA, rootB)) {
      assertThat(RealHost.fileNames(root.resolve("mnt"))).as("mount points").containsOnly(root == rootA ? "alpha3" : "beta3");
      assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
      assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
    }
    assertThat(nodeB.orphansAlive()).as("copies left running by the killed node").isEmpty();

    // the engine's job log names the node that ran (or failed) each job of a guest: always the guest's Dom0's
    // (a guest's first job is created by whichever node started the guest; creating runs nothing)
    for (JsonNode guest : a.get("/engine-rest/history/process-instance?processDefinitionKey=provision-guest"
        + "&processInstanceBusinessKey=" + id, "olga").body()) {
      String tenant = guest.get("tenantId").asText();
      List<String> nodes = new ArrayList<>();
      for (String outcome : List.of("successLog", "failureLog")) {
        nodes.addAll(a.get("/engine-rest/history/job-log?" + outcome + "=true&processInstanceId=" + guest.get("id").asText(),
            "olga").body().findValuesAsText("hostname"));
      }
      assertThat(nodes).as("jobs of a guest of %s", tenant).isNotEmpty().containsOnly("xen-provisioner@" + tenant);
    }
  }

  private static Map<String, JsonNode> guests(ApiClient api, String id) {
    return ApiClient.byHostname(api.get("/api/batches/" + id, "olga").body().get("guestList"));
  }

  private static JsonNode dom0(ApiClient api, String name) {
    for (JsonNode dom0 : api.get("/api/dom0s", "olga").body()) {
      if (dom0.get("name").asText().equals(name)) {
        return dom0;
      }
    }
    throw new AssertionError("no Dom0 " + name);
  }

  private static void awaitOrFail(String what, Await.Condition condition) throws InterruptedException {
    Await.until(what, Duration.ofMinutes(3), Duration.ofMillis(50), condition,
        () -> ChildApp.tail(nodeA.log()) + "\n---\n" + ChildApp.tail(nodeB.log()));
  }
}
