package org.xenprovisioner.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * A compensation handler. It loads its guest exactly as the steps do; any failure stays a technical
 * one (retries, then an incident in Cockpit), so a guest is never reported rolled back while
 * something of it is left on the Dom0.
 */
abstract class UndoStep implements JavaDelegate {

  private final GuestLoader guests;

  UndoStep(GuestLoader guests) {
    this.guests = guests;
  }

  @Override
  public final void execute(DelegateExecution execution) {
    undo(guests.load(execution));
  }

  abstract void undo(GuestContext guest);
}
