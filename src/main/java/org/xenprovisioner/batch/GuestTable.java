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
 * parsed). Short, so the table fits a 1366 px screen (form-js gives each column at least 120 px,
 * so five columns at most): host name, IP, MAC, memory and vCPUs in one cell, the file names in
 * another; the full paths are there too, for the form's "Full paths of the files", shown on demand.
 * A 1000-guest batch stays near 200 KB. Made from the same validated list the ledger records, so
 * the approver sees what will run; only {@code camunda-admin} could change it afterwards, and the
 * steps never read it.
 */
final class GuestTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GuestTable() {
  }

  static TypedValue of(String batchId, List<GuestPlacement.Placed> placed) {
    List<Map<String, Object>> rows = placed.stream()
        .map(place -> row(batchId, place.guest(), place.paths(), place.macAssigned())).toList();
    try {
      return SpinValues.jsonValue(JSON.writeValueAsString(rows)).create();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the guest table as JSON", e);
    }
  }

  private static Map<String, Object> row(String batchId, Guest guest, GuestPaths paths, boolean macAssigned) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("hostname", guest.hostname());
    row.put("ip", guest.ip());
    // the list left it empty: the approver sees that the product chose it
    row.put("mac", macAssigned ? guest.mac() + " (assigned)" : guest.mac());
    row.put("macAssigned", macAssigned);
    // no-break spaces: a narrow column breaks after the comma, never between a number and its unit
    row.put("size", guest.memory() + "\u00a0MiB, " + guest.vcpus() + (guest.vcpus() == 1 ? "\u00a0vCPU" : "\u00a0vCPUs"));
    row.put("files", paths.image().getFileName() + ", " + paths.domainConfig().getFileName() + " on " + guest.dom0());
    row.put("image", paths.image().toString());
    row.put("domainConfig", paths.domainConfig().toString());
    // the audit page's view of the guest's plan (batch ids and host names need no escaping in a URL)
    row.put("plan", "/audit/#plan=" + batchId + "&guest=" + guest.hostname());
    return row;
  }
}
