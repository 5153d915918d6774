package org.xenprovisioner.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/** End listener of the batch's end event after its guests: reports the batch finished, with its counts. */
@Component
class BatchFinishedListener implements ExecutionListener {

  @Override
  public void notify(DelegateExecution execution) {
    BatchEvents.finished(execution);
  }
}
