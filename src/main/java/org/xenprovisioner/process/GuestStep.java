package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.ERROR_GUEST_FAILED;
import static org.xenprovisioner.process.BatchProcess.VAR_FAILED_STEP;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_ERROR;
import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;

import java.io.UncheckedIOException;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.VmListRejectedException;
import org.xenprovisioner.ledger.NotInLedgerException;

/**
 * One of the six steps. A host fault, or a guest whose ledger row is missing or no longer passes
 * the intake rules, becomes the BPMN error that rolls this guest back (the guest's error event
 * subprocess compensates its completed steps); anything else stays a technical failure that the
 * engine retries and then shows as an incident.
 */
abstract class GuestStep implements JavaDelegate {

  private static final Logger LOG = LoggerFactory.getLogger(GuestStep.class);

  private final GuestLoader guests;

  GuestStep(GuestLoader guests) {
    this.guests = guests;
  }

  @Override
  public final void execute(DelegateExecution execution) {
    GuestContext guest = null;
    try {
      guest = guests.load(execution);
      run(execution, guest);
    } catch (HostOperationException | UncheckedIOException | VmListRejectedException | NotInLedgerException e) {
      String who = guest != null ? "Guest " + guest.guest().hostname() : "Guest #" + execution.getVariable(VAR_GUEST_INDEX);
      String message = who + ": " + execution.getCurrentActivityName() + " failed: " + e.getMessage();
      LOG.warn("{}; rolling the guest back", BatchEvents.oneLine(message));
      execution.setVariable(VAR_GUEST_ERROR, message);
      execution.setVariable(VAR_FAILED_STEP, execution.getCurrentActivityId());
      throw new BpmnError(ERROR_GUEST_FAILED, message);
    }
  }

  abstract void run(DelegateExecution execution, GuestContext guest);
}
