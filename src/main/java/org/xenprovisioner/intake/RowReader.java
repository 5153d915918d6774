package org.xenprovisioner.intake;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** Reads the cells of one row by column name, turning each rule's refusal into an error that names line and column. */
final class RowReader {

  private final List<String> cells;
  private final Map<String, Integer> columns;
  private final int line;
  private final List<VmListError> errors;

  RowReader(List<String> cells, Map<String, Integer> columns, int line, List<VmListError> errors) {
    this.cells = cells;
    this.columns = columns;
    this.line = line;
    this.errors = errors;
  }

  /** The trimmed cell, or null when the column is absent or the cell empty. */
  String optional(String column) {
    Integer index = columns.get(column);
    if (index == null || index >= cells.size() || cells.get(index).isEmpty()) {
      return null;
    }
    return cells.get(index);
  }

  <T> T required(String column, Function<String, T> rule) {
    String cell = optional(column);
    if (cell == null) {
      errors.add(new VmListError(line, column, "required value is missing"));
      return null;
    }
    return apply(column, cell, rule);
  }

  /** The cell, or the default when the cell is empty; a null default leaves the value absent. */
  <T> T value(String column, String defaultValue, Function<String, T> rule) {
    String cell = optional(column);
    String text = cell != null ? cell : defaultValue;
    return text == null ? null : apply(column, text, rule);
  }

  <T> T check(String column, Supplier<T> rule) {
    return apply(column, null, ignored -> rule.get());
  }

  private <T> T apply(String column, String cell, Function<String, T> rule) {
    try {
      return rule.apply(cell);
    } catch (IllegalArgumentException e) {
      errors.add(new VmListError(line, column, e.getMessage()));
      return null;
    }
  }
}
