package org.xenprovisioner.process;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.image.StartupReconciler;

/**
 * Recovery after the app died in the middle of a batch. The job executor locks a job for
 * {@code lock-time-in-millis}; a job locked by a JVM that died would stay untouched until that
 * lock expires. This app is a single node, so at start, after the engine is built and before the
 * job executor acquires anything, every job lock not held by this JVM's job executor belongs to
 * a dead one and is released, and the host is reconciled first ({@link StartupReconciler}).
 *
 * <p>The lock time itself is raised above the longest a step may legitimately run (an image copy
 * up to {@code provisioner.copy-timeout}, plus host commands): a lock expiring while a copy still
 * runs would let this same JVM start the step a second time next to the first.
 */
@Component
class CrashRecoveryPlugin extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryPlugin.class);
  /** Host commands one step may run one after another (find, detach, attach, mount, ...), each bounded by command-timeout. */
  private static final int COMMANDS_PER_STEP = 10;

  private final StartupReconciler reconciler;
  private final Duration lockTime;

  CrashRecoveryPlugin(StartupReconciler reconciler, ProvisionerProperties properties) {
    this.reconciler = reconciler;
    this.lockTime = properties.copyTimeout().plus(properties.commandTimeout().multipliedBy(COMMANDS_PER_STEP));
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    JobExecutor jobExecutor = configuration.getJobExecutor();
    if (jobExecutor != null && jobExecutor.getLockTimeInMillis() < lockTime.toMillis()) {
      jobExecutor.setLockTimeInMillis((int) Math.min(Integer.MAX_VALUE, lockTime.toMillis()));
    }
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    reconciler.reconcile();
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    JobExecutor jobExecutor = configuration.getJobExecutor();
    String ownLock = jobExecutor == null ? "" : jobExecutor.getLockOwner();
    String table = configuration.getDatabaseTablePrefix() + "ACT_RU_JOB";
    int released = configuration.getCommandExecutorTxRequired().execute(context -> {
      Connection connection = context.getDbSqlSession().getSqlSession().getConnection();
      try (PreparedStatement release = connection.prepareStatement("UPDATE " + table
          + " SET LOCK_OWNER_ = NULL, LOCK_EXP_TIME_ = NULL WHERE LOCK_OWNER_ IS NOT NULL AND LOCK_OWNER_ <> ?")) {
        release.setString(1, ownLock);
        return release.executeUpdate();
      } catch (SQLException e) {
        throw new ProcessEngineException("cannot release the job locks of a previous run in " + table + ": " + e.getMessage(), e);
      }
    });
    if (released > 0) {
      LOG.warn("Released {} job lock(s) held by a previous run that did not stop cleanly; those steps run again now", released);
    }
  }
}
