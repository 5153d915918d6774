package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.VAR_LOOP_DEVICE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 5: unmounts the image and detaches its loop device. */
@Component
public class DetachImageDelegate extends GuestStep {

  private final HostOperations host;

  public DetachImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    host.releaseImage(guest.files(), guest.owner());
    execution.setVariable(VAR_LOOP_DEVICE, null);
  }
}
