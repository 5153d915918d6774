package org.xenprovisioner.security;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.jobexecutor.FailedJobCommandFactory;

/**
 * A job that somebody asked to execute by hand ({@code POST /job/{id}/execute}) and was refused is
 * counted by the engine as a failure of that job: every refusal, ours or the engine's own
 * authorization check, takes one retry, so three refused requests leave the step with no retries and
 * an incident, and the guest held. A refusal is not a failure of the step: here it costs no retry.
 * Failures in the job executor (its context is set) are handed on as they are.
 */
final class RefusalIsNoFailure implements FailedJobCommandFactory {

  private final FailedJobCommandFactory failures;

  RefusalIsNoFailure(FailedJobCommandFactory failures) {
    this.failures = failures;
  }

  @Override
  public Command<Object> getCommand(String jobId, Throwable exception) {
    if (exception instanceof AuthorizationException && Context.getJobExecutorContext() == null) {
      return commandContext -> null;
    }
    return failures.getCommand(jobId, exception);
  }
}
