package org.xenprovisioner.ledger;

import java.time.Instant;

/**
 * A batch's decision as the ledger recorded it when {@code approve-batch} completed, and when the
 * batch finished (null while it runs, and for a rejected batch).
 */
public record LedgerDecision(boolean approved, String by, Instant at, String comment, Instant finishedAt) {
}
