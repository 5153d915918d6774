package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.GUEST_LOCALS;
import static org.xenprovisioner.process.BatchProcess.GUEST_RUNNING;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_STATE;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Start listener of one guest's scope: pins its row number and declares its variables local.
 * Compensation handlers cannot rely on the multi-instance loop variables (CAM-4268), and a step
 * setting a variable that is not declared here would write it onto the batch instead.
 */
@Component
class GuestScopeListener implements ExecutionListener {

  @Override
  public void notify(DelegateExecution execution) {
    execution.setVariableLocal(VAR_GUEST_INDEX, execution.getVariable("loopCounter"));
    execution.setVariableLocal(VAR_GUEST_STATE, GUEST_RUNNING);
    for (String name : GUEST_LOCALS) {
      execution.setVariableLocal(name, null);
    }
  }
}
