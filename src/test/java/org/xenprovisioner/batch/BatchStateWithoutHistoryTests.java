package org.xenprovisioner.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.ledger.LedgerDecision;

/** The state of a batch whose engine history is gone, from what the ledger recorded. */
class BatchStateWithoutHistoryTests {

  private static final Instant DECIDED = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void anApprovedBatchThatRanToItsEndIsCompletedWithOrWithoutFailures() {
    LedgerDecision finished = new LedgerDecision(true, "arne", DECIDED, null, DECIDED.plusSeconds(60));
    assertThat(BatchHistory.stateWithoutHistory(finished, 2, new int[] {2, 0})).isEqualTo(BatchState.COMPLETED);
    assertThat(BatchHistory.stateWithoutHistory(finished, 2, new int[] {1, 1})).isEqualTo(BatchState.COMPLETED_WITH_FAILURES);
  }

  @Test
  void everyGuestEndedCountsAsTheEndWhenTheBatchsEndWasNotRecorded() {
    LedgerDecision approved = new LedgerDecision(true, "arne", DECIDED, null, null);
    assertThat(BatchHistory.stateWithoutHistory(approved, 2, new int[] {1, 1})).isEqualTo(BatchState.COMPLETED_WITH_FAILURES);
  }

  @Test
  void anApprovedBatchCancelledBeforeItsGuestsEndedIsCancelled() {
    LedgerDecision approved = new LedgerDecision(true, "arne", DECIDED, null, null);
    assertThat(BatchHistory.stateWithoutHistory(approved, 3, new int[] {1, 0})).isEqualTo(BatchState.CANCELLED);
  }

  @Test
  void aRejectedBatchStaysRejected() {
    LedgerDecision rejected = new LedgerDecision(false, "arne", DECIDED, "no", null);
    assertThat(BatchHistory.stateWithoutHistory(rejected, 3, new int[] {0, 0})).isEqualTo(BatchState.REJECTED);
  }
}
