package org.xenprovisioner.batch;

import java.util.Date;

/** One line of {@code GET /api/batches}. */
public record BatchSummary(String id, String name, BatchState state, String submittedBy, Date submittedAt,
                           String approvedBy, int guests, int provisioned, int rolledBack) {
}
