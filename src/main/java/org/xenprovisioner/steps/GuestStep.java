package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.ERROR_GUEST_FAILED;
import static org.xenprovisioner.steps.ProcessConstants.VAR_FAILED_STEP;
import static org.xenprovisioner.steps.ProcessConstants.VAR_GUEST_ERROR;
import static org.xenprovisioner.steps.ProcessConstants.VAR_GUEST_INDEX;
import static org.xenprovisioner.steps.ProcessConstants.VAR_HOSTNAME;

import java.io.UncheckedIOException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.HostOperationException;

/**
 * One of the six steps. A host fault becomes the BPMN error that rolls this guest back (the
 * guest's error event subprocess compensates its completed steps); anything else stays a
 * technical failure that the engine retries and then shows as an incident.
 */
abstract class GuestStep implements JavaDelegate {

  private static final Logger LOG = LoggerFactory.getLogger(GuestStep.class);

  @Override
  public final void execute(DelegateExecution execution) {
    try {
      run(execution, new GuestVariables(execution));
    } catch (HostOperationException | UncheckedIOException e) {
      Object hostname = execution.getVariable(VAR_HOSTNAME);
      String guest = hostname != null ? "Guest " + hostname : "Guest #" + execution.getVariable(VAR_GUEST_INDEX);
      String message = guest + ": " + execution.getCurrentActivityName() + " failed: " + e.getMessage();
      LOG.warn("{}; rolling the guest back", message);
      execution.setVariable(VAR_GUEST_ERROR, message);
      execution.setVariable(VAR_FAILED_STEP, execution.getCurrentActivityId());
      throw new BpmnError(ERROR_GUEST_FAILED, message);
    }
  }

  abstract void run(DelegateExecution execution, GuestVariables guest);
}
