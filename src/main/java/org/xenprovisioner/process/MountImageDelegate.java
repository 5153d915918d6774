package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_LOOP_DEVICE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 3: attaches the image to a loop device and mounts it. Undone by {@link UndoMountDelegate}. */
@Component
class MountImageDelegate extends GuestStep {

  private final HostOperations host;

  MountImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    execution.setVariable(VAR_LOOP_DEVICE, host.mountImage(guest.paths()));
  }
}
