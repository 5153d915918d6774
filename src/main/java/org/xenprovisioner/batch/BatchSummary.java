package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Date;

/**
 * One line of {@code GET /api/batches}; {@code retryOf} (extends the contract) only on a batch made by a
 * retry; {@code engineHistory} (extends the contract) is {@code kept}, or {@code deleted} once the
 * engine's history of the batch is gone (deleted through {@code /engine-rest} or by the history
 * clean-up): the batch is then told from the ledger, without the steps' timings.
 */
public record BatchSummary(String id, String name, BatchState state, String submittedBy, Date submittedAt,
                           String approvedBy, int guests, int provisioned, int rolledBack,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String retryOf, String engineHistory) {

  public static final String HISTORY_KEPT = "kept";
  public static final String HISTORY_DELETED = "deleted";
}
