package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;

import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.ledger.NotInLedgerException;
import org.xenprovisioner.ledger.SubmittedGuest;
import org.xenprovisioner.ledger.SubmittedGuests;

/**
 * Loads the guest a step or undo handler works on, every time: its row from the ledger (the batch is
 * the engine's own record of who called this guest instance, through its group; its position the one
 * its group handed in), checked again with the intake rules, and its paths from this node's configuration. A guest of
 * another Dom0 is refused outright: its steps must never run here (a technical failure, retried and
 * then an incident, since it means a job reached the wrong node).
 */
@Component
class GuestLoader {

  private final SubmittedGuests ledger;
  private final HostLayout layout;
  private final String dom0;

  GuestLoader(SubmittedGuests ledger, HostLayout layout, ProvisionerProperties properties) {
    this.ledger = ledger;
    this.layout = layout;
    this.dom0 = properties.dom0Name();
  }

  /** Keeps what a step wrote for the guest in the ledger, in the step's transaction (see {@link SubmittedGuests#recordWritten}). */
  void recordWritten(GuestContext guest, String where, List<GuestFile> files) {
    ledger.recordWritten(guest.submitted(), where, files);
  }

  GuestContext load(DelegateExecution execution) {
    String batch = GuestRouting.batchInstanceId(execution);
    if (batch.equals(execution.getProcessInstanceId()) || !(execution.getVariable(VAR_GUEST_INDEX) instanceof Integer index)) {
      throw new NotInLedgerException("process instance " + execution.getProcessInstanceId()
          + " was not started by a batch for one of its guests");
    }
    SubmittedGuest submitted = ledger.find(batch, index);
    if (!dom0.equals(submitted.dom0())) {
      throw new IllegalStateException("guest " + submitted.guest().hostname() + " is made on Dom0 " + submitted.dom0()
          + "; this node provisions on Dom0 " + dom0 + " and does not run its steps");
    }
    VmListParser.verify(submitted.guest());
    return new GuestContext(submitted, layout.pathsOf(submitted.guest().hostname()));
  }
}
