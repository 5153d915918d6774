package org.xenprovisioner.process;

import org.springframework.stereotype.Component;
import org.xenprovisioner.ledger.SubmittedGuests;

/**
 * What the batch's call activity asks the ledger (expressions in provision-batch.bpmn): how many
 * guests the batch holds, and on which Dom0 (tenant of {@code provision-guest}) each one is made.
 * An instance the batch API did not start holds no guests. Public: the expression language calls only
 * methods of public classes.
 */
@Component
public class GuestRouting {

  private final SubmittedGuests ledger;

  GuestRouting(SubmittedGuests ledger) {
    this.ledger = ledger;
  }

  public int count(String batchInstanceId) {
    return ledger.guestCount(batchInstanceId);
  }

  public String dom0(String batchInstanceId, Integer guestIndex) {
    return ledger.find(batchInstanceId, guestIndex).dom0();
  }
}
