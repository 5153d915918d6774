package org.xenprovisioner.process;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link WriteDomainConfigDelegate}. */
@Component
class DeleteDomainConfigDelegate extends UndoStep {

  private final HostOperations host;

  DeleteDomainConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.deleteDomainConfig(guest.paths(), guest.owner());
  }
}
