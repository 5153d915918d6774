package org.xenprovisioner.steps;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link MountImageDelegate}: unmounts and detaches the guest's own mount; does nothing when already released. */
@Component
public class UnmountImageDelegate extends UndoStep {

  private final HostOperations host;

  public UnmountImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.undoMount(guest.files(), guest.owner());
  }
}
