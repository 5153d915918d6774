package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.process.BatchProcess;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;

/**
 * Real faults on real images, through the real API: each ends with the guest ROLLED_BACK, its
 * error readable in the API and in the engine's history (what Cockpit shows), and nothing left
 * behind: no image, part file, loop device, mount or mount point.
 */
class HostFaultsTests extends RealAppTest {

  @Autowired
  private HistoryService history;

  @BeforeAll
  static void directories() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    Files.createDirectories(root.resolve("scratch"));
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.copy-timeout", () -> "PT5S");
  }

  @AfterEach
  void nothingLeftBehind() throws IOException {
    assertThat(RealHost.fileNames(root.resolve("images"))).as("images and part files left").isEmpty();
    assertThat(RealHost.fileNames(root.resolve("xen"))).as("domain configs left").isEmpty();
    assertThat(RealHost.fileNames(root.resolve("mnt"))).as("mount points left").isEmpty();
    assertThat(RealHost.loopDevicesUnder(root.resolve("images"))).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root.resolve("mnt"))).as("mounts left").isEmpty();
  }

  @Test
  void rollsBackAGuestWhoseCopyRunsOutOfSpace() throws Exception {
    TestImages.rhelBase(root.resolve("base"), 128, 40);
    Path small = root.resolve("scratch/small-images.img");
    RealHost.run("truncate", "-s", "24M", small.toString());
    RealHost.run("mkfs.ext4", "-q", "-F", "-m", "0", small.toString());
    RealHost.run("mount", "-o", "loop", small.toString(), root.resolve("images").toString());
    try {
      Files.delete(root.resolve("images/lost+found"));
      JsonNode guest = provisionOne("nospace1", "10.1.0.11", "00:16:3e:01:00:11");
      // refused before writing by the free-space check, or (if space shrinks while copying) by cp itself
      assertThat(guest.get("error").asText()).contains("nospace1", "Copy base image")
          .containsAnyOf("No space left on device", "not enough free space");
      assertThat(RealHost.fileNames(root.resolve("images"))).as("no half-copied image").isEmpty();
    } finally {
      RealHost.run("umount", "-d", root.resolve("images").toString());
    }
  }

  @Test
  void rollsBackAGuestWhoseFileSystemHasNoSpaceForItsFiles() throws Exception {
    TestImages.fullRhelBase(root.resolve("base"), root.resolve("scratch/fill"));
    JsonNode guest = provisionOne("full1", "10.1.0.21", "00:16:3e:01:00:21");
    assertThat(guest.get("error").asText()).contains("full1", "Write guest config", "no space left in the guest file system");
  }

  @Test
  void rollsBackWhenTheBaseImageIsRemovedBeforeApproval() throws Exception {
    JsonNode guest = provisionOne("removed1", "10.1.0.31", "00:16:3e:01:00:31",
        () -> Files.delete(root.resolve("base/base.img")));
    assertThat(guest.get("error").asText()).contains("removed1", root.resolve("base/base.img").toString(), "was removed");
  }

  @Test
  void rollsBackWhenTheBaseImageIsChangedBeforeApproval() throws Exception {
    Path other = TestImages.rhelBase(root.resolve("scratch"), 64, 1);
    JsonNode guest = provisionOne("changed1", "10.1.0.41", "00:16:3e:01:00:41",
        () -> Files.copy(other, root.resolve("base/base.img"), StandardCopyOption.REPLACE_EXISTING));
    assertThat(guest.get("error").asText()).contains("changed1", "changed after the batch was submitted");
  }

  @Test
  void rollsBackAGuestWhoseBaseFileSystemCannotBeMounted() throws Exception {
    // an ext4 image whose superblock is intact (blkid and the submission still see ext4) but whose
    // group descriptors and tables are garbage: only mounting it finds out
    Path base = TestImages.rhelBase(root.resolve("base"));
    byte[] garbage = new byte[8 * 1024 * 1024 - 2048];
    new Random(3).nextBytes(garbage);
    try (var channel = java.nio.channels.FileChannel.open(base, java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(garbage), 2048);
    }
    JsonNode guest = provisionOne("garbage1", "10.1.0.51", "00:16:3e:01:00:51");
    assertThat(guest.get("error").asText()).contains("garbage1", "Attach and mount image", "cannot be mounted");
  }

  @Test
  void rollsBackAGuestWhoseCopyHangsPastTheCopyTimeout() throws Exception {
    TestImages.rhelBase(root.resolve("base"), 1024, 256);
    AtomicReference<ProcessHandle> stopped = new AtomicReference<>();
    Thread hang = new Thread(() -> stopFirstCopy(stopped), "stop-cp");
    hang.setDaemon(true);
    hang.start();
    try {
      JsonNode guest = provisionOne("hang1", "10.1.0.61", "00:16:3e:01:00:61", () -> {
      }, api -> {
        // while it hangs, the batch is RUNNING and still claims its guests
        awaitState(api, "RUNNING");
        ApiClient.Reply again = api.post("/api/batches", "olga", "text/csv", "HANG1,10.1.0.62,00-16-3E-01-00-61\n");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body().get("errors").findValuesAsText("column")).containsExactlyInAnyOrder("hostname", "mac");
        assertThat(again.body().toString()).contains("claimed by batch");
      });
      assertThat(stopped.get()).as("the copy was caught running and stopped").isNotNull();
      assertThat(guest.get("error").asText()).contains("hang1", "Copy base image", "did not finish within 5 s and was killed");
      assertThat(stopped.get().isAlive()).as("the hung cp was killed").isFalse();
    } finally {
      hang.interrupt();
      Optional.ofNullable(stopped.get()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** SIGSTOP on the first cp this JVM runs: a host command that hangs for real, as one on a dead NFS mount would. */
  private static void stopFirstCopy(AtomicReference<ProcessHandle> stopped) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!Thread.currentThread().isInterrupted() && Instant.now().isBefore(deadline)) {
      Optional<ProcessHandle> copy = ProcessHandle.current().descendants()
          .filter(child -> child.info().command().map(c -> c.endsWith("/cp")).orElse(false)).findFirst();
      if (copy.isPresent()) {
        RealHost.run("kill", "-STOP", Long.toString(copy.get().pid()));
        stopped.set(copy.get());
        return;
      }
      Thread.onSpinWait();
    }
  }

  interface Step {
    void run() throws Exception;
  }

  interface WhileRunning {
    void check(ApiClient api) throws Exception;
  }

  private JsonNode provisionOne(String hostname, String ip, String mac) throws Exception {
    return provisionOne(hostname, ip, mac, () -> {
    });
  }

  private JsonNode provisionOne(String hostname, String ip, String mac, Step beforeApproval) throws Exception {
    return provisionOne(hostname, ip, mac, beforeApproval, api -> {
    });
  }

  /** Submits a one-guest batch, runs the fault, approves, waits; returns the guest, checked ROLLED_BACK everywhere. */
  private JsonNode provisionOne(String hostname, String ip, String mac, Step beforeApproval, WhileRunning whileRunning)
      throws Exception {
    ApiClient api = api();
    ApiClient.Reply submitted = api.post("/api/batches", "olga", "text/csv", hostname + "," + ip + "," + mac + "\n");
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    beforeApproval.run();
    assertThat(api.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status())
        .isEqualTo(200);
    whileRunning.check(api);
    JsonNode batch = api.waitUntilFinished(id);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED_WITH_FAILURES");
    JsonNode guest = batch.get("guestList").get(0);
    assertThat(guest.get("state").asText()).isEqualTo("ROLLED_BACK");
    // Cockpit shows the engine's variable guestError of the guest's instance: the API reads the same one
    String instance = history.createHistoricProcessInstanceQuery().processDefinitionKey(BatchProcess.GUEST_PROCESS_KEY)
        .processInstanceBusinessKey(id).singleResult().getId();
    assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(instance).variableName("guestError").list())
        .extracting(variable -> variable.getValue()).containsOnly(guest.get("error").asText());
    return guest;
  }

  private static void awaitState(ApiClient api, String state) throws InterruptedException {
    Await.until("the newest batch to reach " + state, Duration.ofMinutes(1), Duration.ofMillis(100),
        () -> api.get("/api/batches", "arne").body().get(0).get("state").asText().equals(state),
        () -> api.get("/api/batches", "arne").body().get(0).toString());
  }
}
