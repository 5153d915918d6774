package org.xenprovisioner.steps;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link CopyBaseImageDelegate}: releases any mount of the image first, so it is safe in any order. */
@Component
public class DeleteImageDelegate implements JavaDelegate {

  private final HostOperations host;

  public DeleteImageDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  public void execute(DelegateExecution execution) {
    GuestVariables guest = new GuestVariables(execution);
    host.deleteImage(guest.image(), guest.mountPoint(), guest.owner());
  }
}
