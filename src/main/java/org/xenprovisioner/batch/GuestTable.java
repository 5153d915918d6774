package org.xenprovisioner.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.camunda.spin.plugin.variable.SpinValues;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.intake.Guest;

/**
 * The rows the approval form's table shows, as a Json variable (Tasklist hands Json to the form
 * parsed). Only the columns the approver needs, so a 1000-guest batch stays near 150 KB.
 * Made from the same validated list the ledger records, so the approver sees what will run; only
 * {@code camunda-admin} could change it afterwards, and the steps never read it.
 */
final class GuestTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GuestTable() {
  }

  static TypedValue of(List<GuestPlacement.Placed> placed) {
    List<Map<String, Object>> rows = placed.stream().map(place -> row(place.guest(), place.paths())).toList();
    try {
      return SpinValues.jsonValue(JSON.writeValueAsString(rows)).create();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the guest table as JSON", e);
    }
  }

  private static Map<String, Object> row(Guest guest, GuestPaths paths) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("hostname", guest.hostname());
    row.put("ip", guest.ip());
    row.put("mac", guest.mac());
    row.put("memory", guest.memory());
    row.put("vcpus", guest.vcpus());
    row.put("dom0", guest.dom0());
    row.put("image", paths.image().toString());
    row.put("domainConfig", paths.domainConfig().toString());
    return row;
  }
}
