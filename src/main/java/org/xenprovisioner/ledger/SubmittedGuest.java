package org.xenprovisioner.ledger;

import org.xenprovisioner.intake.Guest;

/**
 * One guest of a batch as validated at submission, with what its steps need of the batch.
 *
 * @param guest the row, its Dom0 always named (the accepting node's where the row left it empty), its MAC always set
 * @param baseImageFingerprint identity of the guest's Dom0's base image at submission
 * @param macAssigned whether the row left the MAC empty and the batch API assigned it
 */
public record SubmittedGuest(String batchId, int index, Guest guest, String baseImageFingerprint, boolean macAssigned) {

  /** A guest whose MAC the row gave. */
  public SubmittedGuest(String batchId, int index, Guest guest, String baseImageFingerprint) {
    this(batchId, index, guest, baseImageFingerprint, false);
  }

  /** Batch and guest, as marked on the files this guest creates. */
  public String owner() {
    return "batch " + batchId + ", guest " + guest.hostname();
  }

  public String dom0() {
    return guest.dom0();
  }
}
