package org.xenprovisioner.ledger;

/** Where a guest's steps read their guest: what the batch API validated, never a process variable. */
public interface SubmittedGuests {

  /**
   * The guest at that position of the batch whose process instance is given.
   *
   * @throws NotInLedgerException when the instance is no batch the API started, or has no such guest
   */
  SubmittedGuest find(String processInstanceId, int index);
}
