package org.xenprovisioner.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.host.files.GuestFile;

/** Step 4: overwrites the guest-specific files inside the mounted image. */
@Component
class WriteGuestConfigDelegate extends GuestStep {

  private final GuestLoader guests;
  private final HostOperations host;

  WriteGuestConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.guests = guests;
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    // kept in the ledger, so the plan of a past batch shows what this step wrote
    guests.recordWritten(guest, GuestFile.GUEST, host.writeGuestConfig(guest.paths(), guest.guest()));
  }
}
