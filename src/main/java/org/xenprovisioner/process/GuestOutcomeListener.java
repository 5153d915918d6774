package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_ERROR;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_STATE;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.xenprovisioner.ledger.BatchOutcomes;

/**
 * End listener of a guest's two end events: records the guest's outcome in its scope and in the
 * ledger, by the batch's instance (the guest's root: whether the guest runs in an instance the batch
 * called or, in a batch of the single-Dom0 release, in a scope of the batch's own) and its position.
 */
final class GuestOutcomeListener implements ExecutionListener {

  private final String state;
  private final BatchOutcomes outcomes;

  GuestOutcomeListener(String state, BatchOutcomes outcomes) {
    this.state = state;
    this.outcomes = outcomes;
  }

  @Override
  public void notify(DelegateExecution execution) {
    execution.setVariable(VAR_GUEST_STATE, state);
    if (execution.getVariable(VAR_GUEST_INDEX) instanceof Integer index) {
      outcomes.guestEnded(GuestRouting.batchInstanceId(execution), index, state,
          execution.getVariable(VAR_GUEST_ERROR) instanceof String error ? error : null, Instant.now());
    }
    BatchEvents.guestEnded(execution, state);
  }
}
