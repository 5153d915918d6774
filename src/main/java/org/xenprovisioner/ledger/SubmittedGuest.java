package org.xenprovisioner.ledger;

import org.xenprovisioner.intake.Guest;

/**
 * One guest of a batch as validated at submission, with what its steps need of the batch.
 *
 * @param guest the row, its Dom0 always named (the accepting node's where the row left it empty)
 * @param baseImageFingerprint identity of the guest's Dom0's base image at submission
 */
public record SubmittedGuest(String batchId, int index, Guest guest, String baseImageFingerprint) {

  /** Batch and guest, as marked on the files this guest creates. */
  public String owner() {
    return "batch " + batchId + ", guest " + guest.hostname();
  }

  public String dom0() {
    return guest.dom0();
  }
}
