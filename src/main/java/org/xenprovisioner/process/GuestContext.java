package org.xenprovisioner.process;

import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.ledger.SubmittedGuest;

/**
 * One guest as its steps and undo handlers see it: the row from the batch ledger (checked again
 * with the intake rules) and its paths from this node's configuration. Nothing in it comes from a
 * process variable but the guest's position in the batch.
 */
record GuestContext(SubmittedGuest submitted, GuestPaths paths) {

  Guest guest() {
    return submitted.guest();
  }

  String owner() {
    return submitted.owner();
  }
}
