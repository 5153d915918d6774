package org.xenprovisioner.cluster;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.camunda.bpm.engine.impl.jobexecutor.ExecuteJobsRunnable;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.spring.components.jobexecutor.SpringJobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskExecutor;

/**
 * The jobs this node's job executor holds, and the locks it holds on jobs it no longer runs. A job
 * whose run fails while the database is unreachable (restarted, cut off; for H2 a full disk) can
 * tell the engine nothing: its transaction rolls back and the engine's failure handling, which
 * would count a retry and unlock it, fails as well. The job then stays locked by this node for the
 * whole lock time (50 minutes by default), and nobody else may take a guest job of this Dom0. So
 * this node tracks the jobs in its executor's queue and threads, and at every heartbeat releases
 * its own locks on jobs that are in neither and were locked more than a grace period ago (a job
 * just acquired is locked a moment before it reaches the queue): they run again, on this node,
 * within seconds, and every step is idempotent.
 */
final class OwnJobs {

  private static final Logger LOG = LoggerFactory.getLogger(OwnJobs.class);
  /** How long after its acquisition an own lock on a job that is not in the executor counts as left over. */
  static final Duration GRACE = Duration.ofMinutes(1);

  private static final Field JOB_IDS = jobIdsField();

  private final Set<String> inExecutor = ConcurrentHashMap.newKeySet();
  private volatile boolean tracking;
  private volatile long lockTimeMillis;

  /** Tracks what the job executor gets from now on; false where it is not Spring's (then nothing is released). */
  boolean track(JobExecutor jobExecutor) {
    if (JOB_IDS == null || !(jobExecutor instanceof SpringJobExecutor spring) || spring.getTaskExecutor() == null) {
      LOG.warn("Cannot track the jobs of job executor {}: a job whose run fails while the database is unreachable stays "
          + "locked by this node for the lock time", jobExecutor);
      return false;
    }
    TaskExecutor threads = spring.getTaskExecutor();
    spring.setTaskExecutor(task -> {
      List<String> ids = jobIds(task);
      inExecutor.addAll(ids);
      try {
        threads.execute(() -> {
          try {
            task.run();
          } finally {
            ids.forEach(inExecutor::remove);
          }
        });
      } catch (RejectedExecutionException e) {
        ids.forEach(inExecutor::remove);
        throw e;
      }
    });
    lockTimeMillis = jobExecutor.getLockTimeInMillis();
    tracking = true;
    return true;
  }

  /**
   * Releases this node's locks on jobs that are neither queued nor running here and were locked more
   * than {@link #GRACE} ago; how many it released.
   */
  int releaseLeftOvers(JobLocks locks, String lockOwner) {
    if (!tracking) {
      return 0;
    }
    int released = locks.releaseLeftOvers(lockOwner, Instant.now().minus(GRACE), lockTimeMillis, Set.copyOf(inExecutor));
    if (released > 0) {
      LOG.warn("Released {} job lock(s) of this node on jobs it no longer runs (their runs ended while the database "
          + "could not be reached, so the engine never unlocked them); those steps run again now", released);
    }
    return released;
  }

  @SuppressWarnings("unchecked")
  private static List<String> jobIds(Runnable task) {
    if (task instanceof ExecuteJobsRunnable jobs) {
      try {
        return List.copyOf((List<String>) JOB_IDS.get(jobs));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return List.of();
  }

  private static Field jobIdsField() {
    try {
      Field field = ExecuteJobsRunnable.class.getDeclaredField("jobIds");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
