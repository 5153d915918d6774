package org.xenprovisioner.batch;

/** A batch's state as the API reports it; CANCELLED extends the contract for instances an operator deleted in Cockpit. */
public enum BatchState {
  AWAITING_APPROVAL, REJECTED, RUNNING, COMPLETED, COMPLETED_WITH_FAILURES, CANCELLED
}
