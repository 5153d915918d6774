package org.xenprovisioner.security;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;

/** Adds {@link ProcessGuard} to the engine's command checks, after its own tenant and authorization checks. */
@Component
public class ProcessGuardPlugin extends AbstractProcessEnginePlugin {

  /** The group the batch API starts instances with; no user can be made a member of it. */
  public static final String API_GROUP = ProcessGuard.API_GROUP;

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    configuration.getCommandCheckers().add(new ProcessGuard());
  }
}
