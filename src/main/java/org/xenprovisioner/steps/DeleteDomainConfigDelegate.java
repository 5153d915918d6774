package org.xenprovisioner.steps;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link WriteDomainConfigDelegate}. */
@Component
public class DeleteDomainConfigDelegate implements JavaDelegate {

  private final HostOperations host;

  public DeleteDomainConfigDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  public void execute(DelegateExecution execution) {
    GuestVariables guest = new GuestVariables(execution);
    host.deleteDomainConfig(guest.domainConfig(), guest.owner());
  }
}
