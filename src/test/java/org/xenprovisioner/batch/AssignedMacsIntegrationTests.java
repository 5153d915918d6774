package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.intake.XenMacs;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;

/**
 * A list with empty MACs is provisioned with distinct {@code 00:16:3e} MACs derived from the host
 * names: one collides with a domain config already in the Xen config directory, one with a MAC
 * another row of the batch gives, and each takes the next value; the detail, the plan, the domain
 * configs and the guests' network files all carry the assigned MACs. A row that gives a MAC a domain
 * config already uses is refused.
 */
class AssignedMacsIntegrationTests extends RealAppTest {

  @BeforeAll
  static void requireLoopDevices() {
    RealHost.assumeLoopDevicesUsable();
  }

  @Test
  void emptyMacsAreAssignedUniqueXenMacsThatTheGuestsGet() throws Exception {
    ApiClient api = api();
    String own01 = XenMacs.of("mac01");
    String own02 = XenMacs.of("mac02");
    // a guest made by hand already uses mac01's own MAC
    Files.writeString(root.resolve("xen/handmade.cfg"), "name = \"handmade\"\nvif = [ 'mac=" + own01.toUpperCase()
        + ", bridge=xenbr0' ]\n");
    String csv = "hostname,ip,mac\nmac01,10.40.0.11,\nmac02,10.40.0.12,\nmac03,10.40.0.13," + own02 + "\n";
    String id = api.submit("macs", csv);

    Map<String, JsonNode> guests = ApiClient.byHostname(api.get("/api/batches/" + id, "arne").body().get("guestList"));
    String mac01 = guests.get("mac01").get("mac").asText();
    String mac02 = guests.get("mac02").get("mac").asText();
    assertThat(mac01).as("taken by a domain config: the next one").isEqualTo(XenMacs.assign("mac01", Set.of(own01)))
        .isNotEqualTo(own01);
    assertThat(mac02).as("taken by row 3: the next one").isEqualTo(XenMacs.assign("mac02", Set.of(own02)))
        .isNotEqualTo(own02);
    assertThat(guests.get("mac01").get("macAssigned").asBoolean()).isTrue();
    assertThat(guests.get("mac02").get("macAssigned").asBoolean()).isTrue();
    assertThat(guests.get("mac03").get("macAssigned").asBoolean()).isFalse();
    assertThat(guests.get("mac03").get("mac").asText()).isEqualTo(own02);
    assertThat(new HashSet<>(java.util.List.of(mac01, mac02, own02))).hasSize(3);

    // a list that gives the hand-made guest's MAC itself is refused, naming the domain config
    ApiClient.Reply taken = api.post("/api/batches?name=taken", "olga", "text/csv",
        "hostname,ip,mac\nmac04,10.40.0.14," + own01 + "\n");
    assertThat(taken.status()).as("%s", taken.body()).isEqualTo(400);
    JsonNode error = taken.body().get("errors").get(0);
    assertThat(error.get("line").asInt()).isEqualTo(2);
    assertThat(error.get("column").asText()).isEqualTo("mac");
    assertThat(error.get("message").asText()).contains(own01, root.resolve("xen/handmade.cfg").toString());

    Map<String, JsonNode> plan = ApiClient.byHostname(api.get("/api/batches/" + id + "/plan", "arne").body());
    assertThat(plan.get("mac01").get("mac").asText()).isEqualTo(mac01);
    assertThat(plan.get("mac01").get("macAssigned").asBoolean()).isTrue();
    assertThat(plan.get("mac01").toString()).contains("HWADDR=" + mac01);

    JsonNode batch = api.approveAndWait(id, null);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");

    Map<String, String> macs = Map.of("mac01", mac01, "mac02", mac02, "mac03", own02);
    for (Map.Entry<String, String> guest : macs.entrySet()) {
      assertThat(root.resolve("xen/" + guest.getKey() + ".cfg")).content().contains("vif = [ 'mac=" + guest.getValue() + ", ");
      assertThat(RealHost.readInImage(root.resolve("images/" + guest.getKey() + ".img"),
          "/etc/sysconfig/network-scripts/ifcfg-eth0")).contains("HWADDR=" + guest.getValue());
    }
  }
}
