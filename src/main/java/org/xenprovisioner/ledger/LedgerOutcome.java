package org.xenprovisioner.ledger;

import java.time.Instant;

/** How a guest ended ({@code PROVISIONED} or {@code ROLLED_BACK}), why when it was rolled back, and when. */
public record LedgerOutcome(String state, String error, Instant endedAt) {
}
