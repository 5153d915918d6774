package org.xenprovisioner.process;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link MountImageDelegate}: unmounts and detaches the guest's own mount; does nothing when already released. */
@Component
class UndoMountDelegate extends UndoStep {

  private final HostOperations host;

  UndoMountDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.undoMount(guest.paths(), guest.owner());
  }
}
