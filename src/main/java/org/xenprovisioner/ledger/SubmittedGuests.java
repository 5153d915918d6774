package org.xenprovisioner.ledger;

import java.util.List;
import org.xenprovisioner.host.files.GuestFile;

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

  /**
   * Records the files a step wrote and removed for the guest, {@code where} they are ({@code guest} for
   * step 4, {@code dom0} for step 6), replacing what that step recorded for it before. Does nothing
   * where there is no database to keep them (process tests).
   */
  default void recordWritten(SubmittedGuest guest, String where, List<GuestFile> files) {
  }
}
