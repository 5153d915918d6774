package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_GUEST_INDEX;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.ledger.NotInLedgerException;
import org.xenprovisioner.ledger.SubmittedGuest;
import org.xenprovisioner.ledger.SubmittedGuests;

/** Loads the guest of the scope a step or undo handler runs in, every time: the ledger is the only source. */
@Component
class GuestLoader {

  private final SubmittedGuests ledger;
  private final HostLayout layout;

  GuestLoader(SubmittedGuests ledger, HostLayout layout) {
    this.ledger = ledger;
    this.layout = layout;
  }

  GuestContext load(DelegateExecution execution) {
    if (!(execution.getVariable(VAR_GUEST_INDEX) instanceof Integer index)) {
      throw new NotInLedgerException("execution " + execution.getId() + " is not inside a guest of a batch");
    }
    SubmittedGuest submitted = ledger.find(execution.getProcessInstanceId(), index);
    VmListParser.verify(submitted.guest());
    return new GuestContext(submitted, layout.pathsOf(submitted.guest().hostname()));
  }
}
