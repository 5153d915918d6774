package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.VAR_GUEST_INDEX;
import static org.xenprovisioner.steps.ProcessConstants.VAR_IMAGE_DIR;
import static org.xenprovisioner.steps.ProcessConstants.VAR_MOUNT_DIR;
import static org.xenprovisioner.steps.ProcessConstants.VAR_VM_LIST;
import static org.xenprovisioner.steps.ProcessConstants.VAR_XEN_CONFIG_DIR;

import java.nio.file.Path;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.VmList;

/** Step 1: reads this guest's row of the VM list and fixes the paths it will own. */
@Component
public class ReadGuestInfoDelegate extends GuestStep {

  private final HostOperations host;

  public ReadGuestInfoDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestVariables variables) {
    int index = (Integer) execution.getVariable(VAR_GUEST_INDEX);
    Guest guest = VmList.fromCsvBytes((byte[]) execution.getVariable(VAR_VM_LIST)).guest(index);
    Path image = variables.batchPath(VAR_IMAGE_DIR).resolve(guest.hostname() + ".img");
    Path domainConfig = variables.batchPath(VAR_XEN_CONFIG_DIR).resolve(guest.hostname() + ".cfg");
    variables.remember(guest, image, domainConfig, variables.batchPath(VAR_MOUNT_DIR).resolve(guest.hostname()));
    host.checkGuestIsNew(image, domainConfig, variables.owner());
  }
}
