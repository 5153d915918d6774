package org.xenprovisioner.batch;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The answer to a successful {@code POST /api/batches} or {@code POST /api/batches/{id}/retry} (which adds {@code retryOf}). */
public record BatchSubmitted(String id, BatchState state, int guests,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String retryOf) {
}
