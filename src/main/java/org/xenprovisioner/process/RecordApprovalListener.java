package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED_AT;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED_BY;
import static org.xenprovisioner.process.BatchProcess.VAR_COMMENT;

import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;
import org.xenprovisioner.ledger.BatchOutcomes;

/**
 * Completion listener of {@code approve-batch}: records who decided and when, from the engine's
 * authenticated user, in the batch's variables and in the ledger (which no engine REST call can
 * delete, unlike the history that keeps the variables). Who may decide, and with which variables,
 * the engine's command check has settled before the task completes ({@code security.ProcessGuard}).
 */
@Component
public class RecordApprovalListener implements TaskListener {

  private final BatchOutcomes outcomes;

  public RecordApprovalListener(BatchOutcomes outcomes) {
    this.outcomes = outcomes;
  }

  @Override
  public void notify(DelegateTask task) {
    Authentication authentication = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    String user = authentication == null ? null : authentication.getUserId();
    Date now = new Date();
    boolean approved = Boolean.TRUE.equals(task.getVariable(VAR_APPROVED));
    task.setVariable(VAR_APPROVED_BY, user);
    task.setVariable(VAR_APPROVED_AT, now);
    outcomes.decided(task.getProcessInstanceId(), approved, user, now.toInstant(),
        task.getVariable(VAR_COMMENT) instanceof String comment ? comment : null);
    BatchEvents.decided(task.getExecution(), approved, user);
  }
}
