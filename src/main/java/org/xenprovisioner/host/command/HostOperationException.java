package org.xenprovisioner.host.command;

/** A host operation failed in a way that rolls the guest back; the message is for the operator. */
public class HostOperationException extends RuntimeException {

  public HostOperationException(String message) {
    super(message);
  }

  public HostOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
