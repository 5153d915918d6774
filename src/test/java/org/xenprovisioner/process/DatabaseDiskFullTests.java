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
 * One node on its embedded H2, whose file lies on a small file system of its own (a loop-mounted
 * ext4) that fills up in the middle of a batch and is freed again a while later. H2 closes its
 * store when a write fails and keeps it closed in that process, so the node's log says exactly what
 * to do (free space, restart the service); after the restart the batch finishes with every guest
 * provisioned and nothing left attached or mounted.
 */
class DatabaseDiskFullTests {

  private static Path root;
  private static Path dbDisk;
  private static ChildApp app;

  @BeforeAll
  static void startOnASmallDisk() throws Exception {
    RealHost.assumeLoopDevicesUsable();
    root = TestApp.createRoot("xenprov-dbfull-", "db");
    TestImages.rhelBase(root.resolve("base"), 256, 32);
    dbDisk = root.resolve("db.fs");
    RealHost.run("truncate", "-s", "96M", dbDisk.toString());
    RealHost.run("mkfs.ext4", "-q", "-F", "-m", "0", dbDisk.toString());
    RealHost.run("mount", "-o", "loop", dbDisk.toString(), root.resolve("db").toString());
    List<String> arguments = new ArrayList<>(ChildApp.arguments(root));
    arguments.add(ChildApp.h2At(root.resolve("db/engine")));
    arguments.add("--provisioner.max-parallel=2");
    arguments.add("--provisioner.heartbeat-interval=PT2S");
    app = new ChildApp("dbfull", root, arguments);
    app.start();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    RealHost.everyOne(() -> ChildApp.destroyKeepingLogs(app), () -> {
      if (root != null && !RealHost.mountsUnder(root.resolve("db")).isEmpty()) {
        RealHost.run("umount", "-d", root.resolve("db").toString());
      }
    }, () -> {
      if (root != null) {
        RealHost.cleanUp(root);
      }
    });
  }

  /** Takes every free block of the file system: H2's next write fails with "No space left on device". */
  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[1024 * 1024];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
  }

  @Test
  void aBatchGoesOnOnceTheDatabasesDiskHasSpaceAgain() throws Exception {
    ApiClient api = app.api();
    StringBuilder csv = new StringBuilder("hostname,ip,mac\n");
    for (int i = 1; i <= 6; i++) {
      csv.append("full").append(i).append(",10.7.0.").append(i).append(",00:16:3e:07:00:0").append(i).append('\n');
    }
    String id = api.submit("database-disk-full", csv.toString());
    assertThat(api.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status())
        .isEqualTo(200);
    Await.until("a copy", Duration.ofMinutes(2), Duration.ofMillis(20), () -> app.copies().findAny().isPresent(),
        () -> ChildApp.tail(app.log()));

    Path filler = root.resolve("db/filler");
    try {
      fill(filler);
      Thread.sleep(20_000);
    } finally {
      Files.deleteIfExists(filler);
    }

    // H2 closed its store when the write failed and keeps it closed: the log says what to do, and doing it is enough
    Await.until("the log to say what to do", Duration.ofMinutes(1), Duration.ofMillis(200),
        () -> Files.readString(app.log()).contains("has closed itself after a write failed"), () -> ChildApp.tail(app.log()));
    assertThat(Files.readString(app.log())).contains("Free space on the file system that holds it",
        "then restart the service (systemctl restart xen-provisioner)", root.resolve("db/engine.mv.db").toString());
    app.kill();
    app.start();

    JsonNode finished = api.waitUntilFinished(id, Duration.ofMinutes(4));
    assertThat(finished.get("state").asText()).as("%s", finished).isEqualTo("COMPLETED");
    assertThat(api.get("/api/batches/" + id, "olga").body().get("provisioned").asInt()).isEqualTo(6);
    assertThat(RealHost.loopDevicesUnder(root.resolve("images"))).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root.resolve("mnt"))).as("mounts left").isEmpty();
    assertThat(RealHost.partialCopies(root.resolve("images"))).as("half-copied images").isEmpty();
  }
}
