package org.xenprovisioner.security;

import static org.xenprovisioner.process.BatchProcess.GROUP_APPROVERS;
import static org.xenprovisioner.process.BatchProcess.GROUP_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.GUEST_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;

import java.lang.reflect.Field;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricProcessInstanceEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;

/**
 * What the command checks of this package ask about the command at hand: whether it concerns one of
 * our processes ({@code provision-batch}, {@code provision-guests}, {@code provision-guest}), who runs
 * it, and what the engine's command object carries.
 */
final class OurProcesses {

  private OurProcesses() {
  }

  static void refuse(Authentication user, String what) {
    throw new AuthorizationException("User " + user.getUserId() + " may not " + what
        + " (only camunda-admin may, outside the batch API)");
  }

  /** The authenticated user unless it is an administrator; null also for the engine's own calls. */
  static Authentication ordinaryUser() {
    CommandContext context = Context.getCommandContext();
    Authentication user = context.getAuthentication();
    if (user == null || user.getUserId() == null || context.getAuthorizationManager().isCamundaAdmin(user)) {
      return null;
    }
    return user;
  }

  /** The authenticated user, administrators included; null for the engine's own calls. */
  static Authentication anyUser() {
    Authentication user = Context.getCommandContext().getAuthentication();
    return user == null || user.getUserId() == null ? null : user;
  }

  static List<String> groups(Authentication user) {
    return user.getGroupIds() == null ? List.of() : user.getGroupIds();
  }

  /**
   * Who may work a batch's approval task: a member of {@code approvers} who did not start the batch,
   * as the engine recorded its start (four eyes).
   */
  static void checkDecider(TaskEntity task) {
    Authentication user = anyUser();
    if (user == null) {
      throw new AuthorizationException("Deciding on a batch needs a logged-in user");
    }
    if (!groups(user).contains(GROUP_APPROVERS)) {
      throw new AuthorizationException("User " + user.getUserId() + " is not in group " + GROUP_APPROVERS
          + " and cannot decide on a batch");
    }
    String submitter = startUserOf(task.getProcessInstanceId());
    if (submitter == null || submitter.equals(user.getUserId())) {
      throw new AuthorizationException("User " + user.getUserId() + " submitted this batch and cannot approve it too"
          + " (four eyes)");
    }
  }

  static String startUserOf(String processInstanceId) {
    HistoricProcessInstanceEntity instance = Context.getCommandContext().getHistoricProcessInstanceManager()
        .findHistoricProcessInstance(processInstanceId);
    return instance == null ? null : instance.getStartUserId();
  }

  static boolean isOurs(TaskEntity task) {
    return task.getProcessDefinitionId() != null && isOurs(definition(task.getProcessDefinitionId()));
  }

  static boolean isOursById(String processDefinitionId) {
    return processDefinitionId != null && isOurs(definition(processDefinitionId));
  }

  static String definitionOfInstance(String processInstanceId) {
    ExecutionEntity instance = Context.getCommandContext().getExecutionManager().findExecutionById(processInstanceId);
    return instance == null ? null : instance.getProcessDefinitionId();
  }

  static String definition(String processDefinitionId) {
    ProcessDefinitionEntity definition = Context.getProcessEngineConfiguration().getDeploymentCache()
        .findDeployedProcessDefinitionById(processDefinitionId);
    return definition == null ? null : definition.getKey();
  }

  static boolean isOurs(String processDefinitionKey) {
    return PROCESS_KEY.equals(processDefinitionKey) || GROUP_PROCESS_KEY.equals(processDefinitionKey)
        || GUEST_PROCESS_KEY.equals(processDefinitionKey);
  }

  /** The command the engine is running now. */
  static Command<?> command() {
    return Context.getCommandInvocationContext().getCommand();
  }

  /**
   * A field of an engine command object: the only place some of a command's arguments can be read
   * before it acts. EngineCommandsTests fails if an engine upgrade renames one.
   */
  static Object field(Object command, Class<?> declaredIn, String name) {
    try {
      Field field = declaredIn.getDeclaredField(name);
      field.setAccessible(true);
      return field.get(command);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + name + " of " + command.getClass().getName()
          + " (engine internals changed?)", e);
    }
  }
}
