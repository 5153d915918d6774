package org.xenprovisioner.cluster;

import java.time.Duration;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.image.StartupReconciler;

/**
 * Makes the engine one node of the cluster, and lets a node that died (kill -9, power loss) go on
 * where it stopped. After the engine is built and before its job executor takes any job:
 * <ol>
 *   <li>the host is reconciled ({@link StartupReconciler}): this Dom0's loop devices, mounts, copies
 *   and temporary files a previous run left;</li>
 *   <li>the job locks this node's previous run held are released: the lock owner is this Dom0's
 *   own and the same after every restart, so another node's locks are never touched;</li>
 *   <li>this Dom0's guest process is deployed and the job executor registered for exactly the jobs
 *   of this node ({@link GuestDeployments}).</li>
 * </ol>
 * While the node runs, it tracks the jobs its executor holds ({@link OwnJobs}), so that a lock
 * left by a run that ended while the database was unreachable is released at the next heartbeat.
 * The lock time is raised above the longest a step may legitimately run (an image copy up to
 * {@code provisioner.copy-timeout}, plus host commands): a lock expiring while a copy still runs
 * would let the step start a second time next to the first.
 */
@Component
class NodeStartupPlugin extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(NodeStartupPlugin.class);
  /** Host commands one step may run one after another (find, detach, attach, mount, ...), each bounded by command-timeout. */
  private static final int COMMANDS_PER_STEP = 10;

  private final ThisDom0 dom0;
  private final StartupReconciler reconciler;
  private final Duration lockTime;
  private final OwnJobs ownJobs = new OwnJobs();
  private final ObjectProvider<NamedParameterJdbcTemplate> jdbc;
  private volatile JobLocks jobLocks;

  NodeStartupPlugin(ThisDom0 dom0, StartupReconciler reconciler, ProvisionerProperties properties,
                    ObjectProvider<NamedParameterJdbcTemplate> jdbc) {
    this.dom0 = dom0;
    this.jdbc = jdbc;
    this.reconciler = reconciler;
    this.lockTime = properties.copyTimeout().plus(properties.commandTimeout().multipliedBy(COMMANDS_PER_STEP));
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    // the job log's HOSTNAME_ then says which Dom0's node ran each job
    configuration.setHostname(dom0.lockOwner());
    JobExecutor jobExecutor = configuration.getJobExecutor();
    if (jobExecutor != null) {
      jobExecutor.setLockOwner(dom0.lockOwner());
      if (jobExecutor.getLockTimeInMillis() < lockTime.toMillis()) {
        jobExecutor.setLockTimeInMillis((int) Math.min(Integer.MAX_VALUE, lockTime.toMillis()));
      }
      ownJobs.track(jobExecutor);
    }
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    reconciler.reconcile();
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    jobLocks = new JobLocks(jdbc.getObject(), configuration.getDatabaseTablePrefix() + "ACT_RU_JOB");
    int released = jobLocks.releaseAll(dom0.lockOwner());
    if (released > 0) {
      LOG.warn("Released {} job lock(s) this Dom0's node ({}) held when it stopped; those steps run again now",
          released, dom0.name());
    }
    GuestDeployments.deploy(engine, dom0.name());
    GuestDeployments.register(engine, dom0.name());
  }

  /** The jobs of this node's executor, for the heartbeat to release the locks it holds on no others ({@link OwnJobs}). */
  OwnJobs ownJobs() {
    return ownJobs;
  }

  /** The job locks of the engine's table, once the engine is built. */
  JobLocks jobLocks() {
    return jobLocks;
  }
}
