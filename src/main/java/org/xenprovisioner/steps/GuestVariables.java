package org.xenprovisioner.steps;

import static org.xenprovisioner.steps.ProcessConstants.*;

import java.nio.file.Path;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.xenprovisioner.intake.Guest;

/** Typed access to one guest's variables, as the delegates and undo handlers need them. */
final class GuestVariables {

  private final DelegateExecution execution;

  GuestVariables(DelegateExecution execution) {
    this.execution = execution;
  }

  Guest guest() {
    return new Guest(0, string(VAR_HOSTNAME), string(VAR_IP), string(VAR_MAC), string(VAR_NETMASK),
        string(VAR_GATEWAY), (Integer) execution.getVariable(VAR_MEMORY), (Integer) execution.getVariable(VAR_VCPUS));
  }

  /** Stores the row and the paths this guest will own; everything later steps and undo handlers read. */
  void remember(Guest guest, Path image, Path domainConfig, Path mountPoint) {
    execution.setVariable(VAR_HOSTNAME, guest.hostname());
    execution.setVariable(VAR_IP, guest.ip());
    execution.setVariable(VAR_MAC, guest.mac());
    execution.setVariable(VAR_NETMASK, guest.netmask());
    execution.setVariable(VAR_GATEWAY, guest.gateway());
    execution.setVariable(VAR_MEMORY, guest.memory());
    execution.setVariable(VAR_VCPUS, guest.vcpus());
    execution.setVariable(VAR_IMAGE, image.toString());
    execution.setVariable(VAR_DOMAIN_CONFIG, domainConfig.toString());
    execution.setVariable(VAR_MOUNT_POINT, mountPoint.toString());
  }

  /** Batch and guest, as marked on the files this guest creates. */
  String owner() {
    return "batch " + execution.getProcessBusinessKey() + ", guest " + string(VAR_HOSTNAME);
  }

  Path image() {
    return path(VAR_IMAGE);
  }

  Path domainConfig() {
    return path(VAR_DOMAIN_CONFIG);
  }

  Path mountPoint() {
    return path(VAR_MOUNT_POINT);
  }

  Path batchPath(String name) {
    return path(name);
  }

  void set(String name, Object value) {
    execution.setVariable(name, value);
  }

  private Path path(String name) {
    String value = string(name);
    if (value == null) {
      throw new IllegalStateException("variable " + name + " is not set for this guest");
    }
    return Path.of(value);
  }

  private String string(String name) {
    return (String) execution.getVariable(name);
  }
}
