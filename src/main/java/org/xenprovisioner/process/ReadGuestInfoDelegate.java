package org.xenprovisioner.process;

import static org.xenprovisioner.process.BatchProcess.VAR_DOMAIN_CONFIG;
import static org.xenprovisioner.process.BatchProcess.VAR_HOSTNAME;
import static org.xenprovisioner.process.BatchProcess.VAR_IMAGE;
import static org.xenprovisioner.process.BatchProcess.VAR_IP;
import static org.xenprovisioner.process.BatchProcess.VAR_MAC;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.xenprovisioner.host.HostOperations;

/**
 * Step 1: reads this guest's row from the batch ledger, checks it again with the intake rules and
 * refuses a guest whose files appeared since submission. The row is shown on the guest's scope in
 * Cockpit; no later step reads it back from there.
 */
@Component
class ReadGuestInfoDelegate extends GuestStep {

  private final HostOperations host;

  ReadGuestInfoDelegate(GuestLoader guests, HostOperations host) {
    super(guests);
    this.host = host;
  }

  @Override
  void run(DelegateExecution execution, GuestContext guest) {
    execution.setVariable(VAR_HOSTNAME, guest.guest().hostname());
    execution.setVariable(VAR_IP, guest.guest().ip());
    execution.setVariable(VAR_MAC, guest.guest().mac());
    execution.setVariable(VAR_IMAGE, guest.paths().image().toString());
    execution.setVariable(VAR_DOMAIN_CONFIG, guest.paths().domainConfig().toString());
    host.checkGuestIsNew(guest.paths(), guest.owner());
  }
}
