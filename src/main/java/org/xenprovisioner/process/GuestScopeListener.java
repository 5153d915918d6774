package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.GUEST_RUNNING;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_STATE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/** Start listener of a guest's process instance: the guest is running from here on. */
@Component
class GuestScopeListener implements ExecutionListener {

  @Override
  public void notify(DelegateExecution execution) {
    execution.setVariable(VAR_GUEST_STATE, GUEST_RUNNING);
  }
}
