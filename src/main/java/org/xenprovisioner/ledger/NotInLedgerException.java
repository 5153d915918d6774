package org.xenprovisioner.ledger;

/** A process instance or guest that the batch API never recorded: nothing of it may touch the Dom0. */
public class NotInLedgerException extends RuntimeException {

  public NotInLedgerException(String message) {
    super(message);
  }
}
