package org.xenprovisioner.cluster;

import java.time.Duration;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes over the batch-wide jobs a dead node holds, so that one Dom0 going down stops only its own
 * guests. A node's job executor locks the jobs it acquired for {@code copy-timeout} plus ten
 * {@code command-timeout}s (50 minutes by default), also those still waiting in its queue; the jobs
 * of the batch and group processes (no tenant: a guest's start, its join, a group's or the batch's
 * continuation) do no host work, and any node may run them. Once a Dom0's node has not been seen
 * for three heartbeat intervals ({@link Dom0#alive()}, by the database's clock), every node releases
 * that node's locks on such jobs; its guests' own jobs (the tenant of its Dom0: host work) stay
 * locked until it comes back and releases them itself ({@link NodeStartupPlugin}).
 *
 * <p>Raising the job's revision as well makes this safe if the node was only cut off or paused and
 * comes back in the middle of such a job: the engine updates and deletes a job only at the revision
 * it read, so that node's transaction fails on its commit with an optimistic locking exception and
 * changes nothing, whichever node ran the job in the meantime (docs/cluster.md).
 */
@Component
class DeadNodeJobs {

  private static final Logger LOG = LoggerFactory.getLogger(DeadNodeJobs.class);

  private final Dom0Registry registry;
  private final NamedParameterJdbcTemplate jdbc;
  private final String jobTable;
  private final String self;
  private final OwnJobs ownJobs;
  private final Duration lockTime;

  DeadNodeJobs(Dom0Registry registry, NamedParameterJdbcTemplate jdbc, ProcessEngine engine, ThisDom0 dom0,
               NodeStartupPlugin node) {
    this.registry = registry;
    this.jdbc = jdbc;
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    this.jobTable = configuration.getDatabaseTablePrefix() + "ACT_RU_JOB";
    this.self = dom0.name();
    this.ownJobs = node.ownJobs();
    this.lockTime = configuration.getJobExecutor() == null ? Duration.ZERO
        : Duration.ofMillis(configuration.getJobExecutor().getLockTimeInMillis());
  }

  /** Releases this node's own locks on jobs its executor no longer holds ({@link OwnJobs}). */
  int releaseOwnLeftOvers() {
    return ownJobs.releaseLeftOvers(jdbc, jobTable, ThisDom0.lockOwnerOf(self), lockTime);
  }

  /** Releases the batch-wide jobs of every Dom0 whose node is not alive; how many it released. */
  int takeOver() {
    int released = 0;
    for (Dom0 dead : registry.list()) {
      if (dead.alive() || dead.name().equals(self)) {
        continue;
      }
      int jobs = jdbc.update("UPDATE " + jobTable + " SET LOCK_OWNER_ = NULL, LOCK_EXP_TIME_ = NULL, REV_ = REV_ + 1 "
          + "WHERE LOCK_OWNER_ = :owner AND TENANT_ID_ IS NULL", Map.of("owner", ThisDom0.lockOwnerOf(dead.name())));
      if (jobs > 0) {
        LOG.warn("Dom0 {} has not been seen since {}: released {} batch-wide job(s) its node held (guest starts, joins, "
            + "group and batch continuations) for the other nodes; its own guests wait for it", dead.name(), dead.lastSeen(), jobs);
        released += jobs;
      }
    }
    return released;
  }
}
