package org.xenprovisioner.process;

import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper.ExceptionLoggingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Parallel guests finish their steps into one batch scope, so now and then two job commits collide
 * and one gets an {@link OptimisticLockingException}. That is expected: the engine rolls the job back
 * and runs it again without counting a retry. The engine still reports each one as
 * {@code WARN ENGINE-14006}; here they go to DEBUG. Every other job failure keeps the engine's
 * WARN with its stack trace, as before.
 */
@Component
class ExpectedRetryLogging extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(ExpectedRetryLogging.class);

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    // the engine's hook is static: wrap it once per JVM, however many engines a test run builds
    if (!(ExecuteJobHelper.LOGGING_HANDLER instanceof QuietConflicts)) {
      ExecuteJobHelper.LOGGING_HANDLER = new QuietConflicts(ExecuteJobHelper.LOGGING_HANDLER);
    }
  }

  static final class QuietConflicts implements ExceptionLoggingHandler {

    private final ExceptionLoggingHandler engine;

    QuietConflicts(ExceptionLoggingHandler engine) {
      this.engine = engine;
    }

    @Override
    public void exceptionWhileExecutingJob(String jobId, Throwable exception) {
      if (exception instanceof OptimisticLockingException) {
        LOG.debug("Job {} met a concurrent change and runs again: {}", jobId, exception.getMessage());
      } else {
        engine.exceptionWhileExecutingJob(jobId, exception);
      }
    }
  }
}
