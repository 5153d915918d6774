package org.xenprovisioner.intake;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a VM list as the product contract describes it: UTF-8 (BOM tolerated), RFC 4180, optional
 * header in any column order, {@code #} comments and blank lines ignored. Every field is
 * validated and every error is collected, so an operator fixes a list in one round.
 */
public class VmListParser {

  static final List<String> COLUMNS = List.of("hostname", "ip", "mac", "netmask", "gateway", "memory", "vcpus", "dom0");
  private static final List<String> REQUIRED = List.of("hostname", "ip", "mac");

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setCommentMarker('#')
      .setIgnoreEmptyLines(true)
      .get();

  private final GuestDefaults defaults;
  private final int maxRows;

  public VmListParser(GuestDefaults defaults, int maxRows) {
    this.defaults = defaults;
    this.maxRows = maxRows;
  }

  /** Decodes strictly: bytes that are not UTF-8 are an error with their line, never a replacement character. */
  public VmList parse(byte[] body) {
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult result = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, out, true);
    if (result.isError()) {
      int line = lineOfByte(body, in.position());
      throw new VmListRejectedException(List.of(new VmListError(line, NonUtf8Column.find(body, line),
          "the VM list is not UTF-8 text (invalid byte sequence at byte " + (in.position() + 1) + ")")));
    }
    return parse(out.flip().toString());
  }

  public VmList parse(String input) {
    String text = input.startsWith("\uFEFF") ? input.substring(1) : input;
    LineIndex lines = new LineIndex(text);
    List<VmListError> errors = new ArrayList<>();
    List<Guest> guests = new ArrayList<>();
    Duplicates duplicates = new Duplicates(errors);
    Map<String, Integer> columns = null;
    int rows = 0;
    // the line the last complete record ended on: a broken one (an unterminated quote) starts after it
    long endOfLastRecord = 0;
    try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
      for (CSVRecord record : parser) {
        endOfLastRecord = parser.getCurrentLineNumber();
        int line = lines.recordLine(record.getCharacterPosition());
        List<String> cells = record.stream().map(String::strip).toList();
        if (cells.stream().allMatch(String::isEmpty)) {
          continue;
        }
        if (columns == null) {
          columns = header(cells, line, errors);
          if (columns != null) {
            continue;
          }
          columns = positional();
        }
        if (++rows > maxRows) {
          errors.add(new VmListError(line, null, "the list holds more than " + maxRows
              + " rows (provisioner.max-rows); split it into several batches"));
          break;
        }
        Guest guest = row(cells, columns, line, errors);
        if (guest != null) {
          duplicates.check(guest);
          guests.add(guest);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      errors.add(new VmListError(lines.firstDataLineAfter((int) endOfLastRecord), null,
          "the VM list is not valid CSV: " + e.getMessage()));
    }
    if (errors.isEmpty() && guests.isEmpty()) {
      errors.add(new VmListError(1, null, "the VM list holds no guests"));
    }
    if (!errors.isEmpty()) {
      throw new VmListRejectedException(errors);
    }
    return new VmList(guests);
  }

  /** Returns the column positions when the first row is a header, otherwise null. */
  private static Map<String, Integer> header(List<String> cells, int line, List<VmListError> errors) {
    List<String> names = cells.stream().map(cell -> cell.toLowerCase(Locale.ROOT)).toList();
    if (names.stream().noneMatch(COLUMNS::contains)) {
      return null;
    }
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!COLUMNS.contains(name)) {
        errors.add(new VmListError(line, FieldRules.printable(cells.get(i)), "unknown column; the columns are " + String.join(", ", COLUMNS)));
      } else if (columns.putIfAbsent(name, i) != null) {
        errors.add(new VmListError(line, name, "column named twice in the header"));
      }
    }
    for (String required : REQUIRED) {
      if (!columns.containsKey(required)) {
        errors.add(new VmListError(line, required, "required column missing from the header"));
      }
    }
    return columns;
  }

  private static Map<String, Integer> positional() {
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < COLUMNS.size(); i++) {
      columns.put(COLUMNS.get(i), i);
    }
    return columns;
  }

  private Guest row(List<String> cells, Map<String, Integer> columns, int line, List<VmListError> errors) {
    int before = errors.size();
    if (cells.size() > columns.size()) {
      errors.add(new VmListError(line, null, "row has " + cells.size() + " fields; at most " + columns.size() + " are expected"));
      return null;
    }
    RowReader row = new RowReader(cells, columns, line, errors);
    String hostname = row.required("hostname", FieldRules::hostname);
    Long ip = row.required("ip", FieldRules::ipv4);
    // an empty MAC is assigned at submission (XenMacs), once the batch's other MACs and the open batches' are known
    String mac = row.value("mac", null, FieldRules::mac);
    String netmask = row.value("netmask", defaults.netmask(), FieldRules::netmask);
    String gatewayText = row.optional("gateway") != null ? row.optional("gateway") : defaults.gateway();
    Integer memory = row.value("memory", Integer.toString(defaults.memory()),
        v -> FieldRules.number(v, "memory (MiB)", FieldRules.MIN_MEMORY_MIB, FieldRules.MAX_MEMORY_MIB));
    Integer vcpus = row.value("vcpus", Integer.toString(defaults.vcpus()),
        v -> FieldRules.number(v, "vcpus", 1, FieldRules.MAX_VCPUS));
    String dom0 = row.value("dom0", null, FieldRules::dom0);
    String gateway = null;
    if (ip != null && netmask != null) {
      long mask = FieldRules.ipv4(netmask);
      row.check("ip", () -> Networks.checkHostAddress(ip, mask));
      if (gatewayText != null && !gatewayText.isEmpty()) {
        gateway = row.check("gateway", () -> Networks.gateway(gatewayText, ip, mask));
      }
    }
    if (errors.size() > before) {
      return null;
    }
    return new Guest(line, hostname, FieldRules.dottedQuad(ip), mac, netmask, gateway, memory, vcpus, dom0);
  }

  /**
   * Checks a guest value again with the rules its row passed at intake; used when a guest's steps
   * start, so a value that did not come through intake (or was changed since) reaches no host
   * operation. Every rule's value must come back unchanged: intake stores normalised values.
   */
  public static void verify(Guest guest) {
    List<VmListError> errors = new ArrayList<>();
    int line = guest.line();
    unchanged(errors, line, "hostname", guest.hostname(), FieldRules::hostname);
    unchanged(errors, line, "ip", guest.ip(), value -> FieldRules.dottedQuad(FieldRules.ipv4(value)));
    unchanged(errors, line, "mac", guest.mac(), FieldRules::mac);
    unchanged(errors, line, "netmask", guest.netmask(), FieldRules::netmask);
    unchanged(errors, line, "memory", Integer.toString(guest.memory()),
        value -> Integer.toString(FieldRules.number(value, "memory (MiB)", FieldRules.MIN_MEMORY_MIB, FieldRules.MAX_MEMORY_MIB)));
    unchanged(errors, line, "vcpus", Integer.toString(guest.vcpus()),
        value -> Integer.toString(FieldRules.number(value, "vcpus", 1, FieldRules.MAX_VCPUS)));
    if (guest.dom0() != null) {
      unchanged(errors, line, "dom0", guest.dom0(), FieldRules::dom0);
    }
    if (errors.isEmpty()) {
      long ip = FieldRules.ipv4(guest.ip());
      long mask = FieldRules.ipv4(guest.netmask());
      unchanged(errors, line, "ip", guest.ip(), value -> {
        Networks.checkHostAddress(ip, mask);
        return value;
      });
      if (guest.hasGateway()) {
        unchanged(errors, line, "gateway", guest.gateway(), value -> Networks.gateway(value, ip, mask));
      }
    }
    if (!errors.isEmpty()) {
      throw new VmListRejectedException(errors);
    }
  }

  private static void unchanged(List<VmListError> errors, int line, String column, String value,
                                java.util.function.UnaryOperator<String> rule) {
    if (value == null) {
      errors.add(new VmListError(line, column, "required value is missing"));
      return;
    }
    try {
      String checked = rule.apply(value);
      if (!value.equals(checked)) {
        errors.add(new VmListError(line, column, "'" + FieldRules.printable(value) + "' is not in its normal form '" + checked + "'"));
      }
    } catch (IllegalArgumentException e) {
      errors.add(new VmListError(line, column, e.getMessage()));
    }
  }

  private static int lineOfByte(byte[] body, int position) {
    int line = 1;
    for (int i = 0; i < position; i++) {
      if (body[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
