package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_LOOP_DEVICE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 5: unmounts the image and detaches its loop device. */
@Component
class UnmountImageDelegate extends GuestStep {

  private final HostOperations host;

  UnmountImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    host.unmountImage(guest.paths(), guest.owner());
    execution.setVariable(VAR_LOOP_DEVICE, null);
  }
}
