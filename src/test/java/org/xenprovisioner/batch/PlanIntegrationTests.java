package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;

/**
 * The plan is what lands on disk: on a GPT disk whose Debian-like root (partition 2) has netplan, SSH
 * host keys and a machine id, with the family detected ({@code auto}), the plan read before approval
 * is compared, byte for byte, with every file inside the provisioned images (debugfs) and on the Dom0;
 * every file it removes is gone; afterwards the plan is what the steps recorded as they wrote, and
 * equal to the plan read before. Rendering the plan leaves no loop device or mount behind.
 */
class PlanIntegrationTests extends RealAppTest {

  private static final long MIB = 1024 * 1024;

  @BeforeAll
  static void buildBaseImage() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    TestImages.debianGptBase(root.resolve("base"), MIB, 64 * MIB);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
  }

  @Test
  void planReadBeforeApprovalIsByteForByteWhatTheStepsWrite() throws Exception {
    ApiClient api = api();
    String csv = "hostname,ip,mac,gateway\nplan01,10.30.0.11,00:16:3e:30:00:11,10.30.0.1\nplan02,10.30.0.12,00:16:3e:30:00:12,\n";
    String id = api.submit("plan", csv);

    ApiClient.Reply plan = api.get("/api/batches/" + id + "/plan", "arne");
    assertThat(plan.status()).as("%s", plan.body()).isEqualTo(200);
    assertThat(api.get("/api/batches/" + id + "/plan", "olga").body()).isEqualTo(plan.body());
    assertThat(api.get("/api/batches/nosuchbatch/plan", "arne").status()).isEqualTo(404);
    assertThat(plan.body()).hasSize(2);
    assertThat(RealHost.loopDevicesUnder(root)).as("the look into the base leaves no loop device").isEmpty();
    assertThat(RealHost.mountsUnder(root)).as("nor a mount").isEmpty();
    assertThat(RealHost.fileNames(root.resolve("mnt"))).as("nor a mount point").isEmpty();
    assertThat(RealHost.fileNames(root.resolve("images"))).as("nothing is written before approval").isEmpty();

    JsonNode plan01 = plan.body().get(0);
    assertThat(plan01.get("hostname").asText()).isEqualTo("plan01");
    assertThat(plan01.get("dom0").asText()).isNotBlank();
    assertThat(plan01.has("note")).as("%s", plan01).isFalse();
    List<String> paths = plan01.get("files").findValuesAsText("path");
    assertThat(paths).as("family auto detected debian, with netplan, from the base image").contains("/etc/hostname",
        "/etc/hosts", "/etc/network/interfaces", "/etc/netplan/90-xen-provisioner.yaml", "/etc/netplan/50-cloud-init.yaml",
        "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ed25519_key.pub", "/etc/machine-id",
        "/etc/udev/rules.d/70-persistent-net.rules", root.resolve("xen/plan01.cfg").toString())
        .doesNotContain("/etc/sysconfig/network", "/var/lib/dbus/machine-id");
    assertThat(file(plan01, "/etc/network/interfaces").get("content").asText()).contains("address 10.30.0.11");
    assertThat(file(plan01, "/etc/ssh/ssh_host_rsa_key").get("action").asText()).isEqualTo("remove");
    assertThat(file(plan01, "/etc/ssh/ssh_host_rsa_key").get("content").isNull()).isTrue();
    assertThat(file(plan01, "/etc/netplan/50-cloud-init.yaml").get("renamedTo").asText())
        .isEqualTo("/etc/netplan/50-cloud-init.yaml.disabled-by-xen-provisioner");
    assertThat(file(plan01, root.resolve("xen/plan01.cfg").toString()).get("content").asText())
        .contains("vif = [ 'mac=00:16:3e:30:00:11, bridge=xenbr0' ]");

    JsonNode batch = api.approveAndWait(id, null);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");

    for (JsonNode guest : plan.body()) {
      Path guestFs = Path.of(root.resolve("images/" + guest.get("hostname").asText() + ".img") + "?offset="
          + TestImages.PARTITIONED_ROOT_OFFSET);
      List<String> compared = new ArrayList<>();
      for (JsonNode file : guest.get("files")) {
        String path = file.get("path").asText();
        boolean inGuest = "guest".equals(file.get("where").asText());
        String onDisk = inGuest ? RealHost.readInImage(guestFs, path) : readIfExists(Path.of(path));
        if ("write".equals(file.get("action").asText())) {
          assertThat(onDisk).as("%s %s", guest.get("hostname"), path).isEqualTo(file.get("content").asText());
        } else {
          assertThat(onDisk).as("%s %s removed", guest.get("hostname"), path).isNull();
          if (file.hasNonNull("renamedTo")) {
            assertThat(RealHost.readInImage(guestFs, file.get("renamedTo").asText())).contains("dhcp4: true");
          }
        }
        compared.add(path);
      }
      assertThat(compared).hasSizeGreaterThan(10);
    }

    JsonNode after = api.get("/api/batches/" + id + "/plan", "arne").body();
    for (int guest = 0; guest < 2; guest++) {
      assertThat(after.get(guest).get("note").asText()).isEqualTo("as its steps wrote them");
      assertThat(after.get(guest).get("files")).as("what the steps recorded is the plan read before approval")
          .isEqualTo(plan.body().get(guest).get("files"));
    }
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  private static JsonNode file(JsonNode guest, String path) {
    for (JsonNode file : guest.get("files")) {
      if (path.equals(file.get("path").asText())) {
        return file;
      }
    }
    throw new AssertionError("no " + path + " in " + guest);
  }

  private static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : null;
  }
}
