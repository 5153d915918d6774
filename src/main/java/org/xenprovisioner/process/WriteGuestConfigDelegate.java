package org.xenprovisioner.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Step 4: overwrites the guest-specific files inside the mounted image. */
@Component
class WriteGuestConfigDelegate extends GuestStep {

  private final HostOperations host;

  WriteGuestConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    host.writeGuestConfig(guest.paths(), guest.guest());
  }
}
