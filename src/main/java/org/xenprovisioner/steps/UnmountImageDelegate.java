package org.xenprovisioner.steps;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link MountImageDelegate}: unmounts and detaches; does nothing when already released. */
@Component
public class UnmountImageDelegate implements JavaDelegate {

  private final HostOperations host;

  public UnmountImageDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  public void execute(DelegateExecution execution) {
    GuestVariables guest = new GuestVariables(execution);
    host.releaseImage(guest.image(), guest.mountPoint());
  }
}
