package org.xenprovisioner.security;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;
import org.xenprovisioner.StartRefusedException;

/**
 * Keeps the engine's login throttle and takes away its permanent lock. The engine
 * ({@code DbIdentityServiceProvider#checkPassword}) refuses every password, the right one too, while
 * a user's {@code LOCK_EXP_TIME_} lies ahead, and for good once {@code ATTEMPTS_} reaches
 * {@code loginMaxAttempts} (10 by default): ten spaced wrong tries by anyone, no credentials needed,
 * would lock {@code admin} or every approver out until someone with {@code camunda-admin} unlocks
 * them. Each wrong password outside a lock counts and locks for
 * {@code loginDelayBase * loginDelayFactor^(attempts-1)} seconds, capped at {@code loginDelayMaxTime};
 * with the count out of reach, a lock never outlasts that cap after the attempts stop.
 */
@Component
class LoginThrottlePlugin extends AbstractProcessEnginePlugin {

  /** The longest a user may be refused after the last wrong password (the engine's default cap). */
  static final int MAX_LOCK_SECONDS = 60;

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    // postInit: after the starter's generic properties (applied in preInit), so no setting brings the permanent lock back;
    // one counted attempt a minute at most would take four thousand years to reach it
    configuration.setLoginMaxAttempts(Integer.MAX_VALUE);
    int cap = configuration.getLoginDelayMaxTime();
    if (cap > MAX_LOCK_SECONDS || cap < 0) {
      throw new StartRefusedException("camunda.bpm.generic-properties.properties.loginDelayMaxTime is " + cap
          + ": a user would stay refused for that many seconds after a wrong password",
          "Set it between 0 and " + MAX_LOCK_SECONDS + " seconds, or leave it out (" + MAX_LOCK_SECONDS + ").");
    }
  }
}
