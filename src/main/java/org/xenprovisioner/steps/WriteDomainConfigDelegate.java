package org.xenprovisioner.steps;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 6: the xl domain config. Undone by {@link DeleteDomainConfigDelegate}. */
@Component
public class WriteDomainConfigDelegate extends GuestStep {

  private final HostOperations host;

  public WriteDomainConfigDelegate(HostOperations host) {
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestVariables guest) {
    host.writeDomainConfig(guest.domainConfig(), guest.guest(), guest.image(), guest.owner());
  }
}
