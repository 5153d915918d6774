package org.xenprovisioner.host.command;

/**
 * The thread running a command was interrupted: the application is stopping (its job executor
 * interrupts the steps in flight). The command was killed; nothing is wrong with the host or the
 * guest, so this is no {@link HostOperationException}: the step is not rolled back but runs again
 * when the application is back, as after a crash.
 */
public class CommandInterruptedException extends RuntimeException {

  public CommandInterruptedException(Command command, InterruptedException cause) {
    super("'" + command + "' was stopped: the application is shutting down", cause);
  }
}
