package org.xenprovisioner.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobHelper;
import org.junit.jupiter.api.Test;

class ExpectedRetryLoggingTests {

  @Test
  void leavesOptimisticLockingConflictsOutOfTheWarningsAndPassesEveryOtherJobFailureOn() {
    List<Throwable> warned = new ArrayList<>();
    ExpectedRetryLogging.QuietConflicts handler = new ExpectedRetryLogging.QuietConflicts((job, failure) -> warned.add(failure));
    RuntimeException diskFull = new RuntimeException("No space left on device");

    handler.exceptionWhileExecutingJob("job-1", new OptimisticLockingException("ACT_RU_EXECUTION was updated by another transaction"));
    handler.exceptionWhileExecutingJob("job-2", diskFull);

    assertThat(warned).containsExactly(diskFull);
  }

  @Test
  void wrapsTheEnginesHandlerOnceHoweverManyEnginesStart() {
    ExpectedRetryLogging plugin = new ExpectedRetryLogging();
    plugin.preInit(new StandaloneInMemProcessEngineConfiguration());
    ExecuteJobHelper.ExceptionLoggingHandler wrapped = ExecuteJobHelper.LOGGING_HANDLER;
    plugin.preInit(new StandaloneInMemProcessEngineConfiguration());

    assertThat(ExecuteJobHelper.LOGGING_HANDLER).isSameAs(wrapped).isInstanceOf(ExpectedRetryLogging.QuietConflicts.class);
  }
}
