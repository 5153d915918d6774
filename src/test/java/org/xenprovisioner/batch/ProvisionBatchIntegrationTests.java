package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;

/**
 * The real application on a random port, real loop devices and mounts: a three-guest list over
 * HTTP, approved by a second user; one guest made to fail half-way must leave nothing behind.
 */
class ProvisionBatchIntegrationTests extends RealAppTest {

  @BeforeAll
  static void requireLoopDevices() {
    RealHost.assumeLoopDevicesUsable();
  }


  @Test
  void provisionsRealSparseGuestsAndRollsBackTheOneThatFails() throws Exception {
    ApiClient api = api();
    String csv = """
        # three guests; gamma will fail after its image was copied
        hostname,ip,mac,gateway,memory,vcpus\r
        alpha,192.168.50.11,00:16:3E:50:00:11,192.168.50.1,1024,2\r
        beta,192.168.50.12,00-16-3e-50-00-12,,768,1\r
        gamma,192.168.50.13,00:16:3e:50:00:13,192.168.50.1,,\r
        """;
    assertThat(api.post("/api/batches", null, "text/csv", csv).status()).isEqualTo(401);
    assertThat(api.post("/api/batches", "arne", "text/csv", csv).status()).isEqualTo(403);

    ApiClient.Reply submitted = api.post("/api/batches?name=it", "olga", "text/csv", csv);
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    assertThat(submitted.body().get("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(submitted.body().get("guests").asInt()).isEqualTo(3);
    assertThat(api.get("/api/batches/" + id, "olga").body().get("state").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(Files.list(root.resolve("images")).count()).as("nothing touches disk before approval").isZero();

    assertThat(api.post("/api/batches", "olga", "text/csv", csv).status())
        .as("a list claiming the same guests as an open batch is refused").isEqualTo(400);

    // a file where gamma's mount point goes: its mount step fails after the copy, and the file is not ours to delete
    Path blocker = Files.writeString(root.resolve("mnt/gamma"), "not a directory\n");

    assertThat(api.post("/api/batches/" + id + "/approval", "olga", "application/json", "{\"approved\": true}").status())
        .as("four eyes").isEqualTo(403);
    ApiClient.Reply approved = api.post("/api/batches/" + id + "/approval", "arne", "application/json",
        "{\"approved\": true, \"comment\": \"go\"}");
    assertThat(approved.status()).as("%s", approved.body()).isEqualTo(200);

    JsonNode batch = api.waitUntilFinished(id);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED_WITH_FAILURES");
    assertThat(batch.get("provisioned").asInt()).isEqualTo(2);
    assertThat(batch.get("rolledBack").asInt()).isEqualTo(1);
    assertThat(batch.get("approvedBy").asText()).isEqualTo("arne");
    assertThat(batch.get("approval").get("comment").asText()).isEqualTo("go");
    Map<String, JsonNode> guests = new HashMap<>();
    batch.get("guestList").forEach(guest -> guests.put(guest.get("hostname").asText(), guest));
    assertThat(guests.get("alpha").get("state").asText()).isEqualTo("PROVISIONED");
    assertThat(guests.get("beta").get("state").asText()).isEqualTo("PROVISIONED");
    assertThat(guests.get("gamma").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guests.get("gamma").get("error").asText()).contains("gamma").contains("mount point");
    assertThat(guests.get("alpha").get("steps").findValuesAsText("id")).containsExactly("Task_ReadGuestInfo",
        "Task_CopyBaseImage", "Task_MountImage", "Task_WriteGuestConfig", "Task_UnmountImage", "Task_WriteDomainConfig");
    assertThat(guests.get("alpha").get("steps").get(1).get("durationMillis").asLong()).isNotNegative();
    assertThat(guests.get("alpha").get("undone")).isEmpty();
    assertThat(guests.get("gamma").get("steps").findValuesAsText("id")).as("up to the step that failed")
        .containsExactly("Task_ReadGuestInfo", "Task_CopyBaseImage", "Task_MountImage");
    assertThat(guests.get("gamma").get("undone").findValuesAsText("id")).as("undo handlers that ran").contains("Task_DeleteImage");

    String audit = api.getText("/api/batches/" + id + "/audit.csv", "arne");
    assertThat(audit.lines().findFirst().orElseThrow()).startsWith("batch,name,batchState,submittedBy");
    assertThat(audit.lines().filter(line -> line.contains(",alpha,") && line.contains(",step,"))).hasSize(6);
    assertThat(audit.lines().filter(line -> line.contains(",gamma,") && line.contains(",undo,Task_DeleteImage,"))).hasSize(1);
    assertThat(audit).contains(",arne,");
    assertThat(api.get("/api/batches?state=COMPLETED_WITH_FAILURES", "arne").body().findValuesAsText("id")).contains(id);
    assertThat(api.get("/api/batches?state=REJECTED", "arne").body().findValuesAsText("id")).doesNotContain(id);

    checkGuest("alpha", "192.168.50.11", "00:16:3e:50:00:11", "GATEWAY=192.168.50.1", "memory = 1024", "vcpus = 2");
    checkGuest("beta", "192.168.50.12", "00:16:3e:50:00:12", null, "memory = 768", "vcpus = 1");

    assertThat(root.resolve("images/gamma.img")).doesNotExist();
    assertThat(root.resolve("xen/gamma.cfg")).doesNotExist();
    assertThat(blocker).hasContent("not a directory");
    assertThat(Files.list(root.resolve("images")).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("alpha.img", "beta.img");
    assertThat(RealHost.loopDevicesUnder(root)).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root)).as("mounts left").isEmpty();
    assertThat(api.get("/api/batches", "arne").body().get(0).get("id").asText()).isEqualTo(id);
  }

  @Test
  void refusesABadListWithEveryErrorAndStartsNothing() {
    ApiClient api = api();
    ApiClient.Reply reply = api.post("/api/batches", "olga", "text/csv",
        "hostname,ip,mac\nbad_name,10.0.0.1,00:16:3e:00:00:01\nok1,10.0.0.300,01:16:3e:00:00:02\n");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("errors")).hasSize(3);
    assertThat(reply.body().get("errors").get(0).get("line").asInt()).isEqualTo(2);
    assertThat(reply.body().get("errors").get(0).get("column").asText()).isEqualTo("hostname");
    assertThat(api.get("/api/batches", "olga").body().findValuesAsText("name")).doesNotContain("bad");
  }

  private void checkGuest(String hostname, String ip, String mac, String gatewayLine, String memory, String vcpus) {
    Path image = root.resolve("images/" + hostname + ".img");
    assertThat(image).exists();
    long baseAllocated = RealHost.allocatedBytes(root.resolve("base/base.img"));
    long imageAllocated = RealHost.allocatedBytes(image);
    assertThat(imageAllocated).as("the copy stays sparse").isLessThan(Files.exists(image) ? sizeOf(image) / 4 : 0);
    assertThat(imageAllocated).as("the copy allocates no more than the base").isLessThanOrEqualTo(baseAllocated + 1024 * 1024);

    assertThat(RealHost.readInImage(image, "/etc/hostname")).isEqualTo(hostname + "\n");
    assertThat(RealHost.readInImage(image, "/etc/hosts")).contains(ip + " " + hostname);
    String network = RealHost.readInImage(image, "/etc/sysconfig/network");
    assertThat(network).contains("HOSTNAME=" + hostname);
    if (gatewayLine == null) {
      assertThat(network).doesNotContain("GATEWAY=");
    } else {
      assertThat(network).contains(gatewayLine);
    }
    assertThat(RealHost.readInImage(image, "/etc/sysconfig/network-scripts/ifcfg-eth0"))
        .contains("DEVICE=eth0", "BOOTPROTO=static", "HWADDR=" + mac, "IPADDR=" + ip, "NETMASK=255.255.255.0", "ONBOOT=yes");
    assertThat(RealHost.readInImage(image, "/etc/udev/rules.d/70-persistent-net.rules")).isNull();
    assertThat(RealHost.readInImage(image, "/var/lib/app/data.bin")).hasSizeGreaterThan(1024 * 1024);

    Path domainConfig = root.resolve("xen/" + hostname + ".cfg");
    assertThat(domainConfig).content().contains("name = \"" + hostname + "\"", memory, vcpus,
        "disk = [ 'format=raw, vdev=xvda, access=rw, target=" + image.toAbsolutePath() + "' ]",
        "vif = [ 'mac=" + mac + ", bridge=xenbr0' ]");
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
