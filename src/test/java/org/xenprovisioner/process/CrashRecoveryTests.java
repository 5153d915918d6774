package org.xenprovisioner.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Kills the real application (a child JVM on an H2 file database) with SIGKILL twice in the
 * middle of a batch, once while an image copy runs and once while a guest image is mounted, and
 * starts it again with the same settings. The batch must then finish on its own within a couple
 * of minutes (the dead JVM's job locks would otherwise hold the steps for the engine's lock time),
 * every guest provisioned with its files, and no loop device, mount, part file or copy left.
 */
class CrashRecoveryTests {

  private static final List<String> GUESTS = List.of("crash1", "crash2", "crash3");
  private static Path root;
  private static ChildApp app;

  @BeforeAll
  static void buildBaseImage() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    root = TestApp.createRoot("xenprov-crash-", "db");
    // enough data that a copy takes a moment and the kill lands while cp runs
    TestImages.rhelBase(root.resolve("base"), 1024, 300);
    List<String> arguments = new ArrayList<>(ChildApp.arguments(root));
    arguments.add(ChildApp.h2At(root.resolve("db/engine")));
    arguments.add("--provisioner.max-parallel=2");
    app = new ChildApp("crash", root, arguments);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try {
      ChildApp.destroyKeepingLogs(app);
    } finally {
      RealHost.cleanUp(root);
    }
  }

  @Test
  void batchKilledMidCopyAndMidMountFinishesAfterRestartWithNothingLeaked() throws Exception {
    ApiClient api = app.api();
    app.start();
    StringBuilder csv = new StringBuilder("hostname,ip,mac\n");
    for (int i = 0; i < GUESTS.size(); i++) {
      csv.append(GUESTS.get(i)).append(",192.168.60.").append(11 + i).append(",00:16:3e:60:00:").append(11 + i).append('\n');
    }
    ApiClient.Reply submitted = api.post("/api/batches?name=crash", "olga", "text/csv", csv.toString());
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    assertThat(api.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status())
        .isEqualTo(200);

    awaitOrFail("an image copy to be under way",
        () -> !RealHost.partialCopies(root.resolve("images")).isEmpty() && app.copies().findAny().isPresent());
    app.kill();
    assertThat(RealHost.partialCopies(root.resolve("images"))).as("the kill left a half-copied image, as a real crash would").isNotEmpty();

    app.start();
    awaitOrFail("a guest image to be mounted", () -> !RealHost.mountsUnder(root.resolve("mnt")).isEmpty());
    app.kill();
    List<Path> leftMounted = RealHost.mountsUnder(root.resolve("mnt"));
    assertThat(leftMounted).as("the kill left a mount, as a real crash would").isNotEmpty();

    app.start();
    // the resumed steps may mount again at once, so ask the log what the start released
    String log = Files.readString(app.log());
    leftMounted.forEach(point -> assertThat(log).containsPattern("Unmounting " + java.util.regex.Pattern.quote(point.toString())
        + " \\(/dev/loop[0-9]+ of [^)]+\\), left mounted by a previous run"));
    // restarted at once, its Dom0's registration is still fresh: the node knows it as its own previous run
    assertThat(log).contains("this node's previous run on this machine").doesNotContain("two nodes now share");
    JsonNode batch = api.waitUntilFinished(id, Duration.ofMinutes(3));
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    assertThat(batch.get("provisioned").asInt()).isEqualTo(GUESTS.size());
    for (String guest : GUESTS) {
      Path image = root.resolve("images/" + guest + ".img");
      assertThat(RealHost.readInImage(image, "/etc/hostname")).isEqualTo(guest + "\n");
      assertThat(RealHost.readInImage(image, "/etc/sysconfig/network")).contains("HOSTNAME=" + guest);
      assertThat(root.resolve("xen/" + guest + ".cfg")).content().contains("name = \"" + guest + "\"");
    }
    assertThat(RealHost.fileNames(root.resolve("images"))).containsExactlyInAnyOrder("crash1.img", "crash2.img", "crash3.img");
    assertThat(RealHost.fileNames(root.resolve("xen"))).containsExactlyInAnyOrder("crash1.cfg", "crash2.cfg", "crash3.cfg");
    assertThat(RealHost.fileNames(root.resolve("mnt"))).as("mount points").isEmpty();
    assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
    assertThat(app.orphansAlive()).as("copies left running by the dead app").isEmpty();
  }

  /** Polled every 2 ms: what lets the kill land while the copy runs. */
  private static void awaitOrFail(String what, Await.Condition condition) throws InterruptedException {
    Await.until(what, Duration.ofMinutes(2), Duration.ofMillis(2), () -> {
      if (condition.holds()) {
        return true;
      }
      if (!app.isAlive()) {
        throw new AssertionError("the app died while waiting for " + what);
      }
      return false;
    }, () -> "jobs: " + app.api().get("/engine-rest/job", "arne").body() + "; batches: "
        + app.api().get("/api/batches", "arne").body());
  }
}
