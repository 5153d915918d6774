package org.xenprovisioner.intake;

import java.util.List;

/** A VM list that cannot be provisioned, with every reason found (not only the first). */
public class VmListRejectedException extends RuntimeException {

  private final List<VmListError> errors;

  public VmListRejectedException(List<VmListError> errors) {
    super(describe(errors));
    this.errors = List.copyOf(errors);
  }

  public List<VmListError> errors() {
    return errors;
  }

  private static String describe(List<VmListError> errors) {
    StringBuilder text = new StringBuilder("VM list refused:");
    for (VmListError error : errors) {
      text.append("\n  line ").append(error.line());
      if (error.column() != null) {
        text.append(", ").append(error.column());
      }
      text.append(": ").append(error.message());
    }
    return text.toString();
  }
}
