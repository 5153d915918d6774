package org.xenprovisioner.ledger;

import org.xenprovisioner.intake.Guest;

/** One guest of a batch as validated at submission, with what its steps need of the batch. */
public record SubmittedGuest(String batchId, int index, Guest guest, String baseImageFingerprint) {

  /** Batch and guest, as marked on the files this guest creates. */
  public String owner() {
    return "batch " + batchId + ", guest " + guest.hostname();
  }
}
