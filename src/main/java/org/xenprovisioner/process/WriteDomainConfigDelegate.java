package org.xenprovisioner.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 6: the xl domain config. Undone by {@link DeleteDomainConfigDelegate}. */
@Component
class WriteDomainConfigDelegate extends GuestStep {

  private final HostOperations host;

  WriteDomainConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    host.writeDomainConfig(guest.paths(), guest.guest(), guest.owner());
  }
}
