package org.xenprovisioner.ledger;

import java.time.Instant;

/**
 * A batch as the batch API accepted it.
 *
 * @param id the batch id (the process instance's business key)
 * @param processInstanceId the engine's instance of {@code provision-batch} started for it
 * @param submittedBy the user the API authenticated
 * @param acceptedOn the Dom0 of the node that accepted the batch
 * @param retryOf the batch whose rolled-back guests this one retries, or null
 */
public record LedgerBatch(String id, String processInstanceId, String name, String submittedBy, Instant submittedAt,
                          String acceptedOn, String retryOf) {

  /** A batch submitted as a VM list. */
  public LedgerBatch(String id, String processInstanceId, String name, String submittedBy, Instant submittedAt,
                     String acceptedOn) {
    this(id, processInstanceId, name, submittedBy, submittedAt, acceptedOn, null);
  }
}
