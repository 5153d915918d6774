package org.xenprovisioner.intake;

/** One reason a VM list is refused: where (line, column) and why. Column is null for whole-row or whole-list errors. */
public record VmListError(int line, String column, String message) {
}
