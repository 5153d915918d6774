package org.xenprovisioner.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.camunda.spin.plugin.variable.SpinValues;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;

/**
 * The rows the approval form's table shows, as a Json variable (Tasklist hands Json to the form
 * parsed). Only the seven columns the approver needs, so a 1000-guest batch stays near 150 KB;
 * {@code vmList} stays the source of truth for the steps.
 */
final class GuestTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GuestTable() {
  }

  static TypedValue of(VmList list, Path imageDir, Path xenConfigDir) {
    List<Map<String, Object>> rows = list.guests().stream().map(guest -> row(guest, imageDir, xenConfigDir)).toList();
    try {
      return SpinValues.jsonValue(JSON.writeValueAsString(rows)).create();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the guest table as JSON", e);
    }
  }

  private static Map<String, Object> row(Guest guest, Path imageDir, Path xenConfigDir) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("hostname", guest.hostname());
    row.put("ip", guest.ip());
    row.put("mac", guest.mac());
    row.put("memory", guest.memory());
    row.put("vcpus", guest.vcpus());
    row.put("image", imageDir.resolve(guest.hostname() + ".img").toString());
    row.put("domainConfig", xenConfigDir.resolve(guest.hostname() + ".cfg").toString());
    return row;
  }
}
