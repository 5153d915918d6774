package org.xenprovisioner.security;

import static org.xenprovisioner.process.BatchProcess.MAX_COMMENT;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.TASK_APPROVE;
import static org.xenprovisioner.process.BatchProcess.VAR_APPROVED;
import static org.xenprovisioner.process.BatchProcess.VAR_COMMENT;
import static org.xenprovisioner.security.OurProcesses.anyUser;
import static org.xenprovisioner.security.OurProcesses.checkDecider;
import static org.xenprovisioner.security.OurProcesses.command;
import static org.xenprovisioner.security.OurProcesses.definition;
import static org.xenprovisioner.security.OurProcesses.field;
import static org.xenprovisioner.security.OurProcesses.groups;
import static org.xenprovisioner.security.OurProcesses.isOurs;
import static org.xenprovisioner.security.OurProcesses.isOursById;
import static org.xenprovisioner.security.OurProcesses.ordinaryUser;
import static org.xenprovisioner.security.OurProcesses.refuse;

import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.impl.cmd.AbstractAddIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.AssignTaskCmd;
import org.camunda.bpm.engine.impl.cmd.ClaimTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DelegateTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteTaskCommentCmd;
import org.camunda.bpm.engine.impl.cmd.ResolveTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.cmd.UpdateCommentCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.variable.type.ValueType;
import org.camunda.bpm.engine.variable.value.TypedValue;

/**
 * The engine's side of the trust boundary: a command check the engine runs for every command,
 * whichever route it came by (our API, Tasklist, Cockpit, {@code /engine-rest}), next to its own
 * authorization checks. For {@code provision-batch}, its groups ({@code provision-guests}) and its
 * guests ({@code provision-guest}) it refuses what a REST caller could use to steer root operations
 * or the approval:
 * <ul>
 *   <li>starting or restarting an instance (with variables or start instructions), modifying,
 *   migrating, executing its jobs by hand, batch operations, and writing its variables: refused
 *   for every authenticated user but {@code camunda-admin}; the batch API starts {@code provision-batch}
 *   (and nothing else) with the {@link #API_GROUP} that no user is a member of;</li>
 *   <li>working {@code approve-batch} (claim, complete, submit the form, resolve): only members of
 *   {@code approvers}, never the user who started the instance as the engine recorded it (four
 *   eyes), and completing takes the Boolean {@code approved} and an optional {@code comment}
 *   (at most {@value org.xenprovisioner.process.BatchProcess#MAX_COMMENT} characters) and nothing else. These hold for administrators too.</li>
 *   <li>changing {@code approve-batch} (its name, dates, priority, owner, candidates, or handing it to
 *   somebody else): refused to everybody, administrators included; the task is the engine's.</li>
 *   <li>deleting a group's or a guest's instance on its own: refused to everybody (the batch would
 *   wait forever); an administrator cancels the whole batch instead.</li>
 * </ul>
 * Checks the engine makes itself (the job executor, listeners, our delegates) run without an
 * authenticated user and pass. Every refusal is an {@link AuthorizationException}: the engine REST
 * API answers it with 403 on every route (other engine exceptions become a 500 there). The same holds
 * for {@code provision-guests} and {@code provision-guest}, the processes a batch's groups and guests
 * run as.
 */
final class ProcessGuard extends NoCommandChecks {

  /** Carried by the batch API's own start of an instance; the grant of CREATE_INSTANCE goes to this group only. */
  static final String API_GROUP = "xen-provisioner-api";
  private static final Set<String> DECISION = Set.of(VAR_APPROVED, VAR_COMMENT);
  /** Commands that work the task without deciding it. */
  private static final Set<Class<?>> HARMLESS_TASK_WORK = Set.of(ClaimTaskCmd.class, UpdateCommentCmd.class,
      DeleteTaskCommentCmd.class);

  @Override
  public void checkCreateProcessInstance(ProcessDefinition definition) {
    Authentication user = ordinaryUser();
    if (user != null && isOurs(definition.getKey())
        && !(PROCESS_KEY.equals(definition.getKey()) && groups(user).contains(API_GROUP))) {
      refuse(user, "start " + definition.getKey() + ": a batch starts only through POST /api/batches, which validates it,"
          + " and its groups and guests only from the batch");
    }
  }

  @Override
  public void checkUpdateProcessInstance(ExecutionEntity execution) {
    refuseSteering(execution.getProcessDefinitionId(), "modify " + PROCESS_KEY + " instances");
  }

  @Override
  public void checkUpdateProcessInstanceById(String processInstanceId) {
    ExecutionEntity instance = Context.getCommandContext().getExecutionManager().findExecutionById(processInstanceId);
    if (instance != null) {
      checkUpdateProcessInstance(instance);
    }
  }

  @Override
  public void checkUpdateProcessInstanceByProcessDefinitionId(String processDefinitionId) {
    refuseSteering(processDefinitionId, "modify " + PROCESS_KEY + " instances");
  }

  @Override
  public void checkUpdateProcessInstanceByProcessDefinitionKey(String processDefinitionKey) {
    Authentication user = ordinaryUser();
    if (user != null && isOurs(processDefinitionKey)) {
      refuse(user, "modify " + PROCESS_KEY + " instances");
    }
  }

  @Override
  public void checkUpdateProcessInstanceVariables(ExecutionEntity execution) {
    refuseSteering(execution.getProcessDefinitionId(), "change the variables of a batch");
  }

  @Override
  public void checkMigrateProcessInstance(ExecutionEntity processInstance, ProcessDefinition target) {
    refuseSteering(processInstance.getProcessDefinitionId(), "migrate a batch");
    Authentication user = ordinaryUser();
    if (user != null && isOurs(target.getKey())) {
      refuse(user, "migrate instances into " + PROCESS_KEY);
    }
  }

  @Override
  public void checkCreateMigrationPlan(ProcessDefinition source, ProcessDefinition target) {
    Authentication user = ordinaryUser();
    if (user != null && (isOurs(source.getKey()) || isOurs(target.getKey()))) {
      refuse(user, "migrate " + PROCESS_KEY + " instances");
    }
  }

  /**
   * A group's or a guest's instance is never deleted on its own, by anybody (administrators and a
   * batch operation's job included): the engine would cancel the call in the caller without going on
   * from it, and the batch would wait forever. Cancelling the batch's own instance takes its groups
   * and guests with it; the engine does not ask this check for them.
   */
  @Override
  public void checkDeleteProcessInstance(ExecutionEntity execution) {
    String key = definition(execution.getProcessDefinitionId());
    if (execution.getSuperExecutionId() != null && isOurs(key)) {
      ExecutionEntity batch = Context.getCommandContext().getExecutionManager()
          .findExecutionById(execution.getRootProcessInstanceId());
      throw new AuthorizationException("A " + key + " instance is part of batch "
          + (batch == null ? execution.getRootProcessInstanceId() : batch.getBusinessKey())
          + " and is not cancelled on its own: the batch would wait for it forever. Cancel the batch's "
          + PROCESS_KEY + " instance instead (its groups and guests go with it; docs/cluster.md)");
    }
  }

  /** Executing a job by hand would run a step in the caller's request, outside the job executor. */
  @Override
  public void checkUpdateJob(JobEntity job) {
    if (job.getProcessDefinitionId() != null) {
      refuseSteering(job.getProcessDefinitionId(), "execute or change the jobs of a batch");
    }
  }

  /** Batch operations run later without a user, where nothing of this guard would see them. */
  @Override
  public void checkCreateBatch(Permission permission) {
    Authentication user = ordinaryUser();
    if (user != null) {
      refuse(user, "create batch operations (" + permission.getName() + ")");
    }
  }

  @Override
  public void checkUpdateTaskVariable(TaskEntity task) {
    Authentication user = ordinaryUser();
    if (user != null && isOurs(task)) {
      refuse(user, "change the variables of a batch's task; approve-batch is decided with approved and comment only");
    }
  }

  @Override
  public void checkTaskWork(TaskEntity task) {
    if (!isApproval(task)) {
      return;
    }
    checkDecider(task);
    Command<?> command = command();
    if (command instanceof CompleteTaskCmd || command instanceof SubmitTaskFormCmd) {
      // resolving a delegated task hands it back without deciding: approved may come later
      checkDecision(variablesOf(command), !(command instanceof ResolveTaskCmd));
    } else if (!HARMLESS_TASK_WORK.contains(command.getClass())) {
      throw new AuthorizationException("approve-batch is decided only by completing it with approved and comment ("
          + command.getClass().getSimpleName() + " refused)");
    }
  }

  /**
   * The approval task is the engine's: its name, description, dates, priority, owner and candidates
   * stay as the process made them, for everybody, administrators included, so nothing a submitter
   * writes there ("PRE-APPROVED by security") reads as part of the batch in Tasklist. An approver who
   * may decide takes it or hands it back (claim, the assignee set to herself or to nobody, or delegated to
   * herself).
   */
  @Override
  public void checkTaskAssign(TaskEntity task) {
    Authentication user = anyUser();
    if (user == null || !isApproval(task)) {
      return;
    }
    Command<?> command = command();
    Object assignee = command instanceof AssignTaskCmd ? field(command, AbstractAddIdentityLinkCmd.class, "userId")
        : command instanceof DelegateTaskCmd ? field(command, DelegateTaskCmd.class, "userId") : "";
    if (assignee == null && command instanceof AssignTaskCmd || user.getUserId().equals(assignee)) {
      checkDecider(task);
      return;
    }
    throw new AuthorizationException("The approval task of a batch is not changed by hand ("
        + command.getClass().getSimpleName() + " refused): its name, dates, assignee and candidates are the"
        + " engine's; an approver claims it and decides it");
  }

  private static boolean isApproval(TaskEntity task) {
    return isOurs(task) && TASK_APPROVE.equals(task.getTaskDefinitionKey());
  }

  /** The decision: Boolean {@code approved}, optional String {@code comment}, nothing else. */
  static void checkDecision(Map<String, Object> given, boolean decides) {
    Map<String, Object> variables = given == null ? Map.of() : given;
    Object approved = plain(variables.get(VAR_APPROVED));
    if (decides ? !(approved instanceof Boolean) : approved != null && !(approved instanceof Boolean)) {
      throw new AuthorizationException("Completing approve-batch needs the Boolean variable 'approved'");
    }
    for (Map.Entry<String, Object> variable : variables.entrySet()) {
      if (!DECISION.contains(variable.getKey())) {
        throw new AuthorizationException("Completing approve-batch takes the variables approved and comment only; '"
            + variable.getKey() + "' is refused");
      }
    }
    Object comment = plain(variables.get(VAR_COMMENT));
    if (comment != null && !(comment instanceof String)) {
      throw new AuthorizationException("The variable 'comment' must be a String");
    }
    if (comment != null && ((String) comment).length() > MAX_COMMENT) {
      throw new AuthorizationException("The comment has " + ((String) comment).length() + " characters; at most "
          + MAX_COMMENT + " are kept");
    }
  }

  /** The value of a variable as given, or a refusal for a typed value that is neither Boolean, String nor null. */
  private static Object plain(Object value) {
    if (!(value instanceof TypedValue typed)) {
      return value;
    }
    ValueType type = typed.getType();
    if (type != null && type != ValueType.BOOLEAN && type != ValueType.STRING && type != ValueType.NULL) {
      throw new AuthorizationException("approve-batch takes a Boolean approved and a String comment, not a "
          + type.getName() + " value");
    }
    return typed.getValue();
  }

  private static void refuseSteering(String processDefinitionId, String what) {
    Authentication user = ordinaryUser();
    if (user != null && isOursById(processDefinitionId)) {
      refuse(user, what);
    }
  }

  /** The variables a completing command is about to set; read from the engine's command object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> variablesOf(Command<?> command) {
    // CompleteTaskCmd (and ResolveTaskCmd, its subclass) keeps them in "variables", SubmitTaskFormCmd in "properties"
    return command instanceof SubmitTaskFormCmd
        ? (Map<String, Object>) field(command, SubmitTaskFormCmd.class, "properties")
        : (Map<String, Object>) field(command, CompleteTaskCmd.class, "variables");
  }
}
