package org.xenprovisioner.process;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link CopyBaseImageDelegate}: releases any mount of the image first, so it is safe in any order. */
@Component
class DeleteImageDelegate extends UndoStep {

  private final HostOperations host;

  DeleteImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.deleteImage(guest.paths(), guest.owner());
  }
}
