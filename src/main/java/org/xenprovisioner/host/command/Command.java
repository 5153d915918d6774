package org.xenprovisioner.host.command;

import java.time.Duration;
import java.util.List;

/** A host command as an argument list (never a shell string) and how long it may run. */
public record Command(List<String> argv, Duration timeout) {

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
  }

  public static Command of(Duration timeout, String... argv) {
    return new Command(List.of(argv), timeout);
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
