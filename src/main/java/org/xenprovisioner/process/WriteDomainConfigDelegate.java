package org.xenprovisioner.process;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;
import org.xenprovisioner.host.files.GuestFile;

/** Step 6: the xl domain config. Undone by {@link DeleteDomainConfigDelegate}. */
@Component
class WriteDomainConfigDelegate extends GuestStep {

  private final GuestLoader guests;
  private final HostOperations host;

  WriteDomainConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.guests = guests;
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    guests.recordWritten(guest, GuestFile.DOM0, List.of(host.writeDomainConfig(guest.paths(), guest.guest(), guest.owner())));
  }
}
