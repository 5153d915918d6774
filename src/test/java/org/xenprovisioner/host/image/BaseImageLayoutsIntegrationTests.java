package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.BaseImageLayout;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/**
 * The real application on the base images operators really have: each is put in place of the
 * application's base image file in turn (submission and every copy read it from the configuration),
 * and four guests are made of it with three steps running at once. Each guest gets its files on
 * its root file system, whichever partition and file system that is, keeps the base's partition
 * table and file system UUID, and nothing stays attached or mounted; the base is never written.
 */
class BaseImageLayoutsIntegrationTests extends RealAppTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
    registry.add("provisioner.max-parallel", () -> "3");
  }

  @Test
  void refusesAQcow2BaseAtSubmissionSayingHowToConvertIt() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    RealHost.assumeTools("qemu-img (package qemu-utils)");
    Path base = root.resolve("base/base.img");
    Path qcow2 = root.resolve("base/cloud.qcow2");
    RealHost.run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", base.toString(), qcow2.toString());
    Path raw = Files.move(base, root.resolve("base/raw.img"));
    // the cloud image under the configured name, as an operator who downloaded noble-server-cloudimg-amd64.img has it
    Files.move(qcow2, base);
    try {
      ApiClient.Reply reply = api().post("/api/batches", "olga", "text/csv", "web01,10.0.0.11,00:16:3e:00:00:11\n");

      assertThat(reply.status()).as("%s", reply.body()).isEqualTo(400);
      JsonNode error = reply.body().get("errors").get(0);
      assertThat(error.get("message").asText()).startsWith("provisioner.base-image: image " + base + " is a qcow2 image")
          .contains("qemu-img convert -f qcow2 -O raw " + base + " " + root.resolve("base/base.raw"));
      assertThat(api().get("/api/batches", "olga").body()).as("nothing started").isEmpty();
    } finally {
      Files.move(raw, base, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static final int GUESTS = 4;

  @ParameterizedTest
  @EnumSource(BaseImageLayout.class)
  void provisionsSeveralGuestsAtOnceFromEachLayout(BaseImageLayout layout) throws Exception {
    BaseImageLayout.assumeToolsInstalled();
    Path base = root.resolve("base/base.img");
    Files.move(layout.build(root.resolve("layouts/" + layout.name())), base, StandardCopyOption.REPLACE_EXISTING);
    String fingerprint = BaseImageFingerprint.of(base);
    String prefix = layout.name().toLowerCase().replace('_', '-');
    int net = layout.ordinal() + 1;
    StringBuilder csv = new StringBuilder("hostname,ip,mac,netmask,gateway\n");
    for (int i = 1; i <= GUESTS; i++) {
      csv.append(prefix).append(i).append(",10.14.").append(net).append('.').append(10 + i)
          .append(",00:16:3e:14:0").append(net).append(":0").append(i).append(",24,10.14.").append(net).append(".1\n");
    }

    String id = api().submit(prefix, csv.toString());
    JsonNode batch = api().approveAndWait(id, null);

    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    int atOnce = mostMountedAtOnce(batch);
    System.out.printf("%s: %d guests, at most %d mounted at once%n", layout, GUESTS, atOnce);
    assertThat(atOnce).as("guests whose copies were mounted at one moment").isGreaterThanOrEqualTo(2);
    assertThat(BaseImageFingerprint.of(base)).as("the base is never written").isEqualTo(fingerprint);
    BaseImageInspector inspector = new BaseImageInspector(new CommandRunner(), TestSettings.in(root.resolve("check")).build());
    RootFileSystem baseRoot = inspector.inspect(base);
    for (int i = 1; i <= GUESTS; i++) {
      String hostname = prefix + i;
      String ip = "10.14." + net + "." + (10 + i);
      String mac = "00:16:3e:14:0" + net + ":0" + i;
      Path image = root.resolve("images/" + hostname + ".img");
      RootFileSystem guestRoot = inspector.inspect(image);
      assertThat(guestRoot).isEqualTo(baseRoot);
      assertThat(guestRoot.partition()).isEqualTo(layout.rootPartition());
      assertThat(RealHost.fileSystemUuid(image, guestRoot)).as("file system UUID kept")
          .isEqualTo(RealHost.fileSystemUuid(base, baseRoot));
      if (layout.label() != null) {
        assertThat(TestImages.partitionTable(image)).isEqualTo(TestImages.partitionTable(base));
      }
      checkGuestFiles(layout, image, guestRoot, hostname, ip, mac);
    }
    assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
  }

  private void checkGuestFiles(BaseImageLayout layout, Path image, RootFileSystem fs, String hostname, String ip, String mac)
      throws IOException {
    Map<String, String> files = RealHost.readMounted(image, fs, root.resolve("check/" + hostname),
        "etc/hostname", "etc/hosts", "etc/machine-id", "etc/ssh/ssh_host_ed25519_key",
        "etc/sysconfig/network-scripts/ifcfg-eth0", "etc/network/interfaces",
        "var/lib/cloud/seed/nocloud/meta-data", "var/lib/cloud/seed/nocloud/network-config",
        "etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg");
    assertThat(files.get("etc/hostname")).isEqualTo(hostname + "\n");
    assertThat(files.get("etc/hosts")).contains(ip + " " + hostname);
    assertThat(files.get("etc/machine-id")).isEmpty();
    assertThat(files.get("etc/ssh/ssh_host_ed25519_key")).isNull();
    switch (layout.family()) {
      case "rhel" -> {
        assertThat(files.get("etc/sysconfig/network-scripts/ifcfg-eth0")).contains("IPADDR=" + ip, "HWADDR=" + mac);
        assertThat(files.get("var/lib/cloud/seed/nocloud/meta-data")).isNull();
      }
      case "debian" -> {
        assertThat(files.get("etc/network/interfaces")).contains("address " + ip);
        assertThat(files.get("var/lib/cloud/seed/nocloud/meta-data")).isNull();
      }
      case "cloud-init" -> {
        assertThat(files.get("var/lib/cloud/seed/nocloud/meta-data")).contains("local-hostname: " + hostname,
            "instance-id: xenprov-" + hostname + "-");
        assertThat(files.get("var/lib/cloud/seed/nocloud/network-config")).contains("macaddress: \"" + mac + "\"", "- " + ip + "/24");
        assertThat(files.get("etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg")).contains("datasource_list: [ NoCloud, None ]");
        assertThat(String.valueOf(files.get("etc/sysconfig/network-scripts/ifcfg-eth0")) + files.get("etc/network/interfaces"))
            .as("no distribution network files").doesNotContain(ip);
      }
      default -> throw new AssertionError(layout.family());
    }
  }

  /** The most guests whose image was mounted (from the start of "mount" to the end of "unmount") at one moment. */
  private static int mostMountedAtOnce(JsonNode batch) {
    List<OffsetDateTime[]> windows = new ArrayList<>();
    for (JsonNode guest : batch.get("guestList")) {
      OffsetDateTime mounted = null;
      OffsetDateTime released = null;
      for (JsonNode step : guest.get("steps")) {
        if (step.get("id").asText().equals("Task_MountImage")) {
          mounted = OffsetDateTime.parse(step.get("start").asText());
        } else if (step.get("id").asText().equals("Task_UnmountImage")) {
          released = OffsetDateTime.parse(step.get("end").asText());
        }
      }
      windows.add(new OffsetDateTime[] {mounted, released});
    }
    int most = 0;
    for (OffsetDateTime[] window : windows) {
      int at = (int) windows.stream().filter(other -> !other[0].isAfter(window[0]) && other[1].isAfter(window[0])).count();
      most = Math.max(most, at);
    }
    return most;
  }
}
