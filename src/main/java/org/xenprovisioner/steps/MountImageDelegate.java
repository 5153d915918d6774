package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.VAR_LOOP_DEVICE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 3: attaches the image to a loop device and mounts it. Undone by {@link UnmountImageDelegate}. */
@Component
public class MountImageDelegate extends GuestStep {

  private final HostOperations host;

  public MountImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    execution.setVariable(VAR_LOOP_DEVICE, host.mountImage(guest.files()));
  }
}
