package org.xenprovisioner.process;

import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;
import org.xenprovisioner.ledger.BatchOutcomes;

/**
 * End listener of the batch's end event after its guests: records in the ledger that the batch ran
 * to its end (so its state stays right without the engine's history) and reports it, with its counts.
 */
@Component
class BatchFinishedListener implements ExecutionListener {

  private final BatchOutcomes outcomes;

  BatchFinishedListener(BatchOutcomes outcomes) {
    this.outcomes = outcomes;
  }

  @Override
  public void notify(DelegateExecution execution) {
    outcomes.finished(execution.getProcessInstanceId(), Instant.now());
    BatchEvents.finished(execution);
  }
}
