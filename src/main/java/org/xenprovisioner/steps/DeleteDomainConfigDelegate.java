package org.xenprovisioner.steps;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link WriteDomainConfigDelegate}. */
@Component
public class DeleteDomainConfigDelegate extends UndoStep {

  private final HostOperations host;

  public DeleteDomainConfigDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.deleteDomainConfig(guest.files(), guest.owner());
  }
}
