package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.VAR_BASE_IMAGE;
import static org.xenprovisioner.steps.ProcessConstants.VAR_BASE_IMAGE_FINGERPRINT;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 2: the guest's image as a sparse copy of the base image. Undone by {@link DeleteImageDelegate}. */
@Component
public class CopyBaseImageDelegate extends GuestStep {

  private final HostOperations host;

  public CopyBaseImageDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestVariables guest) {
    Object fingerprint = execution.getVariable(VAR_BASE_IMAGE_FINGERPRINT);
    if (fingerprint != null) {
      host.checkBaseImage(guest.batchPath(VAR_BASE_IMAGE), (String) fingerprint, guest.image(), guest.owner());
    }
    host.copyBaseImage(guest.batchPath(VAR_BASE_IMAGE), guest.image(), guest.owner());
  }
}
