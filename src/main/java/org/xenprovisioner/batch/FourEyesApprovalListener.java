package org.xenprovisioner.batch;

import static org.xenprovisioner.steps.ProcessConstants.GROUP_APPROVERS;
import static org.xenprovisioner.steps.ProcessConstants.VAR_APPROVED;
import static org.xenprovisioner.steps.ProcessConstants.VAR_APPROVED_AT;
import static org.xenprovisioner.steps.ProcessConstants.VAR_APPROVED_BY;
import static org.xenprovisioner.steps.ProcessConstants.VAR_SUBMITTED_BY;

import java.util.Date;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.stereotype.Component;

/**
 * Completion listener of {@code approve-batch}: the four-eyes rule lives on the task itself, so it
 * holds for our API, Tasklist and {@code /engine-rest/task/{id}/complete} alike.
 */
@Component
public class FourEyesApprovalListener implements TaskListener {

  @Override
  public void notify(DelegateTask task) {
    IdentityService identity = task.getProcessEngineServices().getIdentityService();
    Authentication authentication = identity.getCurrentAuthentication();
    String user = authentication == null ? null : authentication.getUserId();
    if (user == null) {
      throw new AuthorizationException("Approving a batch needs a logged-in user");
    }
    if (user.equals(task.getVariable(VAR_SUBMITTED_BY))) {
      throw new AuthorizationException("User " + user + " submitted this batch and cannot approve it too (four eyes)");
    }
    if (!inApprovers(identity, authentication)) {
      throw new AuthorizationException("User " + user + " is not in group " + GROUP_APPROVERS);
    }
    if (!(task.getVariable(VAR_APPROVED) instanceof Boolean)) {
      throw new IllegalArgumentException("Completing approve-batch needs the Boolean variable 'approved'");
    }
    task.setVariable(VAR_APPROVED_BY, user);
    task.setVariable(VAR_APPROVED_AT, new Date());
  }

  /**
   * Tasklist, the engine REST filter and our API authenticate with the user's groups; with
   * authorization enabled a group query would only see the groups the user may read.
   */
  private static boolean inApprovers(IdentityService identity, Authentication authentication) {
    List<String> groups = authentication.getGroupIds();
    if (groups != null && !groups.isEmpty()) {
      return groups.contains(GROUP_APPROVERS);
    }
    return identity.createGroupQuery().groupMember(authentication.getUserId()).groupId(GROUP_APPROVERS).count() > 0;
  }
}
