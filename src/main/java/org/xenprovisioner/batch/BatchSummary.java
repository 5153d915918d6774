package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Date;

/** One line of {@code GET /api/batches}; {@code retryOf} (extends the contract) only on a batch made by a retry. */
public record BatchSummary(String id, String name, BatchState state, String submittedBy, Date submittedAt,
                           String approvedBy, int guests, int provisioned, int rolledBack,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String retryOf) {
}
