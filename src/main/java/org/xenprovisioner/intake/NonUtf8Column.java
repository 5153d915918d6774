package org.xenprovisioner.intake;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Names the column that holds a byte sequence that is not UTF-8, so the operator is told
 * "line 4, column mac" rather than only a byte offset. Decodes leniently (invalid bytes become
 * U+FFFD) just to find the cell; the list is refused either way.
 */
final class NonUtf8Column {

  private static final CSVFormat FORMAT = CSVFormat.RFC4180;

  private NonUtf8Column() {
  }

  /** The column of the first U+FFFD on the line, or null when it cannot be told (e.g. in the header). */
  static String find(byte[] body, int line) {
    String[] lines = new String(body, StandardCharsets.UTF_8).replace("\uFEFF", "").split("\r?\n", -1);
    if (line < 1 || line > lines.length) {
      return null;
    }
    List<String> header = null;
    int headerLine = 0;
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank() && !lines[i].startsWith("#")) {
        List<String> cells = cells(lines[i]).stream().map(cell -> cell.strip().toLowerCase(Locale.ROOT)).toList();
        if (cells.stream().anyMatch(VmListParser.COLUMNS::contains)) {
          header = cells;
          headerLine = i + 1;
        }
        break;
      }
    }
    if (line == headerLine) {
      return null;
    }
    List<String> cells = cells(lines[line - 1]);
    List<String> names = header != null ? header : VmListParser.COLUMNS;
    for (int i = 0; i < cells.size(); i++) {
      if (cells.get(i).contains("\uFFFD")) {
        return i < names.size() && VmListParser.COLUMNS.contains(names.get(i)) ? names.get(i) : null;
      }
    }
    return null;
  }

  private static List<String> cells(String line) {
    try (CSVParser parser = CSVParser.parse(new StringReader(line), FORMAT)) {
      List<CSVRecord> records = parser.getRecords();
      return records.isEmpty() ? List.of() : records.get(0).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
