package org.xenprovisioner.batch;

/** Body of {@code POST /api/batches/{id}/approval}. */
public record ApprovalRequest(Boolean approved, String comment) {
}
