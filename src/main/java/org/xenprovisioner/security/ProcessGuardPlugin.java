package org.xenprovisioner.security;

import java.util.ArrayList;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;

/**
 * Adds {@link ProcessGuard} and {@link JobGuard} to the engine's command checks, after its own tenant
 * and authorization checks, {@link TaskNotesLimit} to the commands of every route, and keeps a refused
 * job execution from costing the job a retry ({@link RefusalIsNoFailure}).
 */
@Component
public class ProcessGuardPlugin extends AbstractProcessEnginePlugin {

  /** The group the batch API starts instances with; no user can be made a member of it. */
  public static final String API_GROUP = ProcessGuard.API_GROUP;

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    // after the command context interceptor, so the limit sees the command's context and its user
    if (configuration.getCustomPostCommandInterceptorsTxRequired() == null) {
      configuration.setCustomPostCommandInterceptorsTxRequired(new ArrayList<>());
    }
    configuration.getCustomPostCommandInterceptorsTxRequired().add(new TaskNotesLimit());
    if (configuration.getCustomPostCommandInterceptorsTxRequiresNew() == null) {
      configuration.setCustomPostCommandInterceptorsTxRequiresNew(new ArrayList<>());
    }
    configuration.getCustomPostCommandInterceptorsTxRequiresNew().add(new TaskNotesLimit());
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    configuration.getCommandCheckers().add(new ProcessGuard());
    configuration.getCommandCheckers().add(new JobGuard());
    configuration.setFailedJobCommandFactory(new RefusalIsNoFailure(configuration.getFailedJobCommandFactory()));
  }
}
