package org.xenprovisioner.batch;

/** The answer to a successful {@code POST /api/batches}. */
public record BatchSubmitted(String id, BatchState state, int guests) {
}
