package org.xenprovisioner.security;

import static org.xenprovisioner.security.OurProcesses.command;
import static org.xenprovisioner.security.OurProcesses.field;
import static org.xenprovisioner.security.OurProcesses.isOurs;
import static org.xenprovisioner.security.OurProcesses.isOursById;
import static org.xenprovisioner.security.OurProcesses.ordinaryUser;
import static org.xenprovisioner.security.OurProcesses.refuse;

import java.time.Duration;
import java.util.Date;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.impl.cmd.SetJobRetriesCmd;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * Nothing but the engine holds a batch's steps: the engine's checks let whoever may retry a failed
 * job ({@code RETRY_JOB}, which operators have so they can retry a step from Cockpit) set any job's
 * retries to 0 or its due date to 2099, silently, and whoever may update a definition suspend its
 * jobs. For our processes an ordinary user may only retry a step that failed (the job has no retries
 * left, so an incident stands in Cockpit), with one retry or more and no due date later than now;
 * suspending or changing the definitions, instances and jobs of a batch is refused. The job
 * executor, our own calls and {@code camunda-admin} pass. Executing, re-dating, re-prioritising or
 * deleting a job by hand is refused by {@link ProcessGuard#checkUpdateJob}.
 */
final class JobGuard extends NoCommandChecks {

  /** A due date this close to now is "run it now" (Cockpit may send the current time of its own clock). */
  private static final Duration NOW = Duration.ofMinutes(1);

  @Override
  public void checkUpdateRetriesJob(JobEntity job) {
    Authentication user = ordinaryUser();
    if (user == null || !isOursById(job.getProcessDefinitionId())) {
      return;
    }
    if (job.getRetries() > 0) {
      throw new AuthorizationException("Job " + job.getId() + " of a batch has not failed (" + job.getRetries()
          + " retries left): only a failed step, with its incident, is retried by hand; the engine runs the others");
    }
    checkRetry(user);
  }

  /** Setting the retries of a job definition touches its failed jobs only: a retry, on the same terms. */
  @Override
  public void checkUpdateRetriesProcessInstanceByProcessDefinitionId(String processDefinitionId) {
    Authentication user = ordinaryUser();
    if (user != null && isOursById(processDefinitionId)) {
      checkRetry(user);
    }
  }

  private static void checkRetry(Authentication user) {
    Command<?> command = command();
    if (!(command instanceof SetJobRetriesCmd)) {
      refuse(user, "change the retries of a batch's jobs with " + command.getClass().getSimpleName());
    }
    int retries = (Integer) field(command, SetJobRetriesCmd.class, "retries");
    if (retries < 1) {
      throw new AuthorizationException("Retrying a failed step of a batch takes 1 retry or more, not " + retries
          + ": 0 would hold the guest without a word");
    }
    Date dueDate = (Date) field(command, SetJobRetriesCmd.class, "dueDate");
    if (dueDate != null && dueDate.toInstant().isAfter(ClockUtil.getCurrentTime().toInstant().plus(NOW))) {
      throw new AuthorizationException("A failed step of a batch is retried now, not at " + dueDate.toInstant()
          + ": a later due date would hold the guest without a word");
    }
  }

  @Override
  public void checkUpdateProcessDefinitionById(String processDefinitionId) {
    refuseHolding(isOursById(processDefinitionId), "change or suspend the definitions or job definitions of a batch");
  }

  @Override
  public void checkUpdateProcessDefinitionByKey(String processDefinitionKey) {
    refuseHolding(isOurs(processDefinitionKey), "change or suspend the definitions or job definitions of a batch");
  }

  @Override
  public void checkUpdateProcessDefinitionSuspensionStateById(String processDefinitionId) {
    refuseHolding(isOursById(processDefinitionId), "suspend the definitions of a batch");
  }

  @Override
  public void checkUpdateProcessDefinitionSuspensionStateByKey(String processDefinitionKey) {
    refuseHolding(isOurs(processDefinitionKey), "suspend the definitions of a batch");
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateById(String processInstanceId) {
    refuseHolding(isOursById(OurProcesses.definitionOfInstance(processInstanceId)), "suspend a batch, its groups or its guests");
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateByProcessDefinitionId(String processDefinitionId) {
    refuseHolding(isOursById(processDefinitionId), "suspend a batch, its groups or its guests");
  }

  @Override
  public void checkUpdateProcessInstanceSuspensionStateByProcessDefinitionKey(String processDefinitionKey) {
    refuseHolding(isOurs(processDefinitionKey), "suspend a batch, its groups or its guests");
  }

  private static void refuseHolding(boolean ours, String what) {
    Authentication user = ordinaryUser();
    if (user != null && ours) {
      refuse(user, what + ": a held guest waits without a word");
    }
  }
}
