package org.xenprovisioner.steps;

import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/** Undoes {@link CopyBaseImageDelegate}: releases any mount of the image first, so it is safe in any order. */
@Component
public class DeleteImageDelegate extends UndoStep {

  private final HostOperations host;

  public DeleteImageDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void undo(GuestContext guest) {
    host.deleteImage(guest.files(), guest.owner());
  }
}
