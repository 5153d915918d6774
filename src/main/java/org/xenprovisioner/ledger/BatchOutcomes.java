package org.xenprovisioner.ledger;

import java.time.Instant;

/**
 * Where the process records what became of a batch: its decision, each guest's outcome, its end.
 * Each call is made inside the engine's transaction that made the event, so the record and the
 * engine agree (a step the engine retries after losing a race rolls its record back with it). Each
 * names the batch by its {@code provision-batch} instance and does nothing for an instance the
 * batch API did not start.
 */
public interface BatchOutcomes {

  /** Nowhere: for process tests that keep no ledger. */
  BatchOutcomes NONE = new BatchOutcomes() {
  };

  default void decided(String batchInstanceId, boolean approved, String by, Instant at, String comment) {
  }

  /** {@code state} is {@code PROVISIONED} or {@code ROLLED_BACK}; {@code error} why it was rolled back, or null. */
  default void guestEnded(String batchInstanceId, int index, String state, String error, Instant at) {
  }

  default void finished(String batchInstanceId, Instant at) {
  }
}
