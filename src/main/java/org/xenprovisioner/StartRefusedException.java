package org.xenprovisioner;

/**
 * A reason the application will not start that the operator can fix: a setting that names no
 * usable directory or template, a host without what the profile needs. Spring Boot prints it as a
 * short "APPLICATION FAILED TO START" report ({@link StartRefusedFailureAnalyzer}) instead of a
 * stack trace. An {@link IllegalStateException}, as any other refusal of a bad setting.
 */
public class StartRefusedException extends IllegalStateException {

  private final String action;

  /** {@code reason} names the setting or the missing thing and its value; {@code action} says what to do. */
  public StartRefusedException(String reason, String action) {
    super(reason);
    this.action = action;
  }

  public StartRefusedException(String reason, String action, Throwable cause) {
    super(reason, cause);
    this.action = action;
  }

  public String action() {
    return action;
  }
}
