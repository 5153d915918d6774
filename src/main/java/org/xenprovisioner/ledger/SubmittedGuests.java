package org.xenprovisioner.ledger;

/** Where a guest's steps read their guest: what the batch API validated, never a process variable. */
public interface SubmittedGuests {

  /**
   * The guest at that position of the batch whose process instance (of {@code provision-batch}) is given.
   *
   * @throws NotInLedgerException when the instance is no batch the API started, or has no such guest
   */
  SubmittedGuest find(String processInstanceId, int index);

  /** How many guests the batch started as this process instance holds; 0 for an instance the API did not start. */
  int guestCount(String processInstanceId);
}
