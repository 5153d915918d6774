package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_STATE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;

/** End listener of a guest's two end events: records the guest's outcome in its scope. */
final class GuestOutcomeListener implements ExecutionListener {

  private final String state;

  GuestOutcomeListener(String state) {
    this.state = state;
  }

  @Override
  public void notify(DelegateExecution execution) {
    execution.setVariable(VAR_GUEST_STATE, state);
    BatchEvents.guestEnded(execution, state);
  }
}
