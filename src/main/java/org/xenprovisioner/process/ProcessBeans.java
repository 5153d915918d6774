package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.GUEST_PROVISIONED;
import static org.xenprovisioner.process.BatchProcess.GUEST_ROLLED_BACK;

import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xenprovisioner.ledger.BatchOutcomes;

/** The listeners the BPMN model names that are values rather than classes of their own. */
@Configuration
class ProcessBeans {

  @Bean
  ExecutionListener guestProvisionedListener(BatchOutcomes outcomes) {
    return new GuestOutcomeListener(GUEST_PROVISIONED, outcomes);
  }

  @Bean
  ExecutionListener guestRolledBackListener(BatchOutcomes outcomes) {
    return new GuestOutcomeListener(GUEST_ROLLED_BACK, outcomes);
  }
}
