package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED_AT;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED_BY;

import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/**
 * Completion listener of {@code approve-batch}: records who decided and when, from the engine's
 * authenticated user. Who may decide, and with which variables, the engine's command check has
 * settled before the task completes ({@code security.ProcessGuard}).
 */
@Component
public class RecordApprovalListener implements TaskListener {

  @Override
  public void notify(DelegateTask task) {
    Authentication authentication = task.getProcessEngineServices().getIdentityService().getCurrentAuthentication();
    String user = authentication == null ? null : authentication.getUserId();
    task.setVariable(VAR_APPROVED_BY, user);
    task.setVariable(VAR_APPROVED_AT, new Date());
    BatchEvents.decided(task.getExecution(), Boolean.TRUE.equals(task.getVariable(VAR_APPROVED)), user);
  }
}
