package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;

/**
 * The real application on a GPT disk image with a Debian-like root file system on partition 2
 * (netplan, SSH host keys, machine id) and enough data that the copy takes a moment: two guests
 * over HTTP, family detected, copy progress watched as Cockpit would see it.
 */
class DebianDiskBatchIntegrationTests extends RealAppTest {

  private static final long MIB = 1024 * 1024;

  private static Path baseImage;

  @Autowired
  private RuntimeService runtime;
  @Autowired
  private HistoryService history;

  @BeforeAll
  static void buildBaseImage() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    // in place of the application's RHEL-like base (base/base.img): properties registered here would not win
    baseImage = TestImages.debianGptBase(root.resolve("base"), 640 * MIB, 800 * MIB);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
    registry.add("provisioner.copy-progress-interval", () -> "PT0.02S");
  }

  @Test
  void provisionsDebianGuestsFromAPartitionedDiskWithCopyProgressAndCleanClones() throws Exception {
    ApiClient api = api();
    String csv = "hostname,ip,mac,netmask,gateway\nweb01,10.20.0.11,00:16:3e:20:00:11,24,10.20.0.1\n"
        + "web02,10.20.0.12,00:16:3e:20:00:12,255.255.0.0,\n";
    ApiClient.Reply submitted = api.post("/api/batches?name=debian", "olga", "text/csv", csv);
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();

    Set<String> progress = ConcurrentHashMap.newKeySet();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (watching.get()) {
        runtime.createVariableInstanceQuery().variableName("copyProgress").list()
            .forEach(variable -> progress.add(String.valueOf(variable.getValue())));
        Thread.onSpinWait();
      }
    }, "copy-progress-watcher");
    watcher.start();
    JsonNode batch;
    try {
      assertThat(api.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status())
          .isEqualTo(200);
      batch = api.waitUntilFinished(id);
    } finally {
      watching.set(false);
      watcher.join();
    }

    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    long toCopy = RealHost.allocatedBytes(baseImage);
    assertThat(progress).as("copy progress seen while the copies ran")
        .anySatisfy(value -> assertThat(value).matches("[1-9][0-9]* / " + toCopy + " bytes \\(([0-9]|[1-9][0-9])%\\)"));
    // parallel guests may conflict when they join (and are retried); the copies publishing progress must not
    assertThat(history.createHistoricJobLogQuery().activityIdIn("Task_CopyBaseImage").failureLog().count())
        .as("no copy job failed: progress updates cause no optimistic locking conflict").isZero();

    checkGuest("web01", "10.20.0.11", "00:16:3e:20:00:11", "/24", "via: 10.20.0.1");
    checkGuest("web02", "10.20.0.12", "00:16:3e:20:00:12", "/16", null);
    assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
  }

  private void checkGuest(String hostname, String ip, String mac, String prefix, String route) {
    Path image = root.resolve("images/" + hostname + ".img");
    Path guestFs = Path.of(image + "?offset=" + TestImages.PARTITIONED_ROOT_OFFSET);
    assertThat(TestImages.partitionTable(image)).isEqualTo(TestImages.partitionTable(baseImage)).contains("label: gpt");
    assertThat(RealHost.allocatedBytes(image)).as("sparse").isLessThanOrEqualTo(RealHost.allocatedBytes(baseImage) + MIB);

    assertThat(RealHost.readInImage(guestFs, "/etc/hostname")).isEqualTo(hostname + "\n");
    assertThat(RealHost.readInImage(guestFs, "/etc/hosts")).contains(ip + " " + hostname);
    assertThat(RealHost.readInImage(guestFs, "/etc/network/interfaces")).contains("iface eth0 inet static", "address " + ip);
    String netplan = RealHost.readInImage(guestFs, "/etc/netplan/90-xen-provisioner.yaml");
    assertThat(netplan).contains("macaddress: \"" + mac + "\"", "- " + ip + prefix);
    if (route == null) {
      assertThat(netplan).doesNotContain("via:");
    } else {
      assertThat(netplan).contains(route);
    }
    assertThat(RealHost.readInImage(guestFs, "/etc/netplan/50-cloud-init.yaml")).isNull();
    assertThat(RealHost.readInImage(guestFs, "/etc/ssh/ssh_host_ed25519_key")).isNull();
    assertThat(RealHost.readInImage(guestFs, "/etc/ssh/ssh_host_rsa_key.pub")).isNull();
    assertThat(RealHost.readInImage(guestFs, "/etc/ssh/sshd_config")).isEqualTo("PermitRootLogin no\n");
    assertThat(RealHost.readInImage(guestFs, "/etc/machine-id")).isEmpty();
    assertThat(RealHost.readInImage(guestFs, "/etc/udev/rules.d/70-persistent-net.rules")).isNull();
    assertThat(RealHost.readInImage(guestFs, "/etc/sysconfig/network")).as("no rhel files").isNull();
    assertThat(RealHost.run("debugfs", "-R", "stat /var/lib/app/data.bin", guestFs.toString()))
        .contains("Size: " + (640 * MIB));

    assertThat(root.resolve("xen/" + hostname + ".cfg")).content()
        .contains("disk = [ 'format=raw, vdev=xvda, access=rw, target=" + image.toAbsolutePath() + "' ]",
            "vif = [ 'mac=" + mac + ", bridge=xenbr0' ]");
  }
}
