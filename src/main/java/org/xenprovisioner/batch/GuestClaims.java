package org.xenprovisioner.batch;

import static org.xenprovisioner.steps.ProcessConstants.PROCESS_KEY;
import static org.xenprovisioner.steps.ProcessConstants.VAR_VM_LIST;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.runtime.VariableInstance;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListError;

/**
 * Refuses guests whose files already exist, or whose host name, IP or MAC a batch that is still
 * waiting for approval or running has claimed.
 */
@Component
class GuestClaims {

  private final RuntimeService runtime;

  GuestClaims(RuntimeService runtime) {
    this.runtime = runtime;
  }

  List<VmListError> conflicts(VmList list, Path imageDir, Path xenConfigDir) {
    List<VmListError> errors = new ArrayList<>();
    Map<String, String> claimed = claimedByOpenBatches();
    for (Guest guest : list.guests()) {
      Path image = imageDir.resolve(guest.hostname() + ".img");
      Path domainConfig = xenConfigDir.resolve(guest.hostname() + ".cfg");
      if (Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
        errors.add(new VmListError(guest.line(), "hostname", "image " + image + " already exists"));
      }
      if (Files.exists(domainConfig, LinkOption.NOFOLLOW_LINKS)) {
        errors.add(new VmListError(guest.line(), "hostname", "domain config " + domainConfig + " already exists"));
      }
      claim(errors, claimed, guest, "hostname", guest.hostname().toLowerCase(Locale.ROOT));
      claim(errors, claimed, guest, "ip", guest.ip());
      claim(errors, claimed, guest, "mac", guest.mac());
    }
    return errors;
  }

  private static void claim(List<VmListError> errors, Map<String, String> claimed, Guest guest, String column, String value) {
    String batch = claimed.get(column + ":" + value);
    if (batch != null) {
      errors.add(new VmListError(guest.line(), column, value + " is claimed by batch " + batch + ", which is still open"));
    }
  }

  private Map<String, String> claimedByOpenBatches() {
    Map<String, String> claims = new HashMap<>();
    List<ProcessInstance> open = runtime.createProcessInstanceQuery().processDefinitionKey(PROCESS_KEY).list();
    if (open.isEmpty()) {
      return claims;
    }
    Map<String, String> batchIds = new HashMap<>();
    open.forEach(instance -> batchIds.put(instance.getId(), instance.getBusinessKey()));
    List<VariableInstance> lists = runtime.createVariableInstanceQuery().variableName(VAR_VM_LIST)
        .processInstanceIdIn(batchIds.keySet().toArray(String[]::new)).list();
    for (VariableInstance variable : lists) {
      String batch = batchIds.get(variable.getProcessInstanceId());
      for (Guest guest : VmList.fromCsvBytes((byte[]) variable.getValue()).guests()) {
        claims.putIfAbsent("hostname:" + guest.hostname().toLowerCase(Locale.ROOT), batch);
        claims.putIfAbsent("ip:" + guest.ip(), batch);
        claims.putIfAbsent("mac:" + guest.mac(), batch);
      }
    }
    return claims;
  }
}
