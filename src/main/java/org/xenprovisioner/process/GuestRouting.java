package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.GUESTS_PER_GROUP;
import static org.xenprovisioner.process.BatchProcess.VAR_GROUP_INDEX;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.springframework.stereotype.Component;
import org.xenprovisioner.ledger.SubmittedGuests;

/**
 * What the call activities of a batch ask the ledger (expressions in provision-batch.bpmn and
 * provision-guests.bpmn): how many groups of {@value BatchProcess#GUESTS_PER_GROUP} guests the batch
 * holds, how many guests a group holds, which guest of the batch each instance of a group is, and
 * on which Dom0 (the tenant of its {@code provision-guest} instance) it is made. The batch is always
 * the engine's own record of who called whom; an instance the batch API did not start holds no
 * guests. Public: the expression language calls only methods of public classes.
 */
@Component
public class GuestRouting {

  private final SubmittedGuests ledger;

  GuestRouting(SubmittedGuests ledger) {
    this.ledger = ledger;
  }

  /** In provision-batch: how many groups its guests make. */
  public int groups(DelegateExecution execution) {
    return (ledger.guestCount(batchInstanceId(execution)) + GUESTS_PER_GROUP - 1) / GUESTS_PER_GROUP;
  }

  /** In provision-guests: how many guests this group holds. */
  public int groupSize(DelegateExecution execution) {
    int first = group(execution) * GUESTS_PER_GROUP;
    return Math.max(0, Math.min(GUESTS_PER_GROUP, ledger.guestCount(batchInstanceId(execution)) - first));
  }

  /** In provision-guests, for one instance of its multi-instance: the guest's position in the batch. */
  public int guestIndex(DelegateExecution execution) {
    if (!(execution.getVariable("loopCounter") instanceof Integer loopCounter)) {
      throw new IllegalStateException("execution " + execution.getId() + " is no instance of a group's guests");
    }
    return group(execution) * GUESTS_PER_GROUP + loopCounter;
  }

  public int guestCount(DelegateExecution execution) {
    return ledger.guestCount(batchInstanceId(execution));
  }

  /** The Dom0 of the guest this instance of a group's multi-instance starts. */
  public String dom0(DelegateExecution execution) {
    return ledger.find(batchInstanceId(execution), guestIndex(execution)).dom0();
  }

  /**
   * The batch's own process instance: the root of the chain of callers, as the engine records it on
   * every execution (only the engine writes it).
   */
  static String batchInstanceId(DelegateExecution execution) {
    return ((ExecutionEntity) execution).getRootProcessInstanceId();
  }

  private static int group(DelegateExecution execution) {
    if (!(execution.getVariable(VAR_GROUP_INDEX) instanceof Integer group)) {
      throw new IllegalStateException("execution " + execution.getId() + " is not inside a group of a batch");
    }
    return group;
  }
}
