package org.xenprovisioner.host.command;

import java.util.List;

/** A command that could not start, ran over its timeout, or exited non-zero; carries argv, exit code and output. */
public class CommandFailedException extends HostOperationException {

  public enum Kind { COULD_NOT_START, TIMED_OUT, FAILED }

  private static final int KEEP = 600;

  private final Kind kind;
  private final List<String> argv;
  private final int exitCode;
  private final String stdout;
  private final String stderr;

  public CommandFailedException(Kind kind, Command command, int exitCode, String stdout, String stderr, Throwable cause) {
    super(describe(kind, command, exitCode, stdout, stderr), cause);
    this.kind = kind;
    this.argv = command.argv();
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public Kind kind() {
    return kind;
  }

  public List<String> argv() {
    return argv;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stdout() {
    return stdout;
  }

  public String stderr() {
    return stderr;
  }

  private static String describe(Kind kind, Command command, int exitCode, String stdout, String stderr) {
    String head = switch (kind) {
      case COULD_NOT_START -> "could not start '" + command + "'";
      case TIMED_OUT -> "'" + command + "' did not finish within " + command.timeout().toSeconds() + " s and was killed";
      case FAILED -> "'" + command + "' exited with " + exitCode;
    };
    String output = !stderr.isBlank() ? stderr : stdout;
    return output.isBlank() ? head : head + ": " + cut(output.strip());
  }

  /** Keeps head and tail of long output, so the message stays readable in Cockpit. */
  static String cut(String text) {
    if (text.length() <= 2 * KEEP) {
      return text;
    }
    return text.substring(0, KEEP) + " [...] " + text.substring(text.length() - KEEP);
  }
}
