package org.xenprovisioner.intake;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * A validated VM list. It travels through the process as one compact CSV byte array (header plus
 * normalised rows), so a 1000-guest batch costs one variable, not thousands.
 */
public record VmList(List<Guest> guests) {

  private static final String[] HEADER = {"line", "hostname", "ip", "mac", "netmask", "gateway", "memory", "vcpus"};
  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  public VmList {
    guests = List.copyOf(guests);
  }

  public int size() {
    return guests.size();
  }

  public Guest guest(int index) {
    return guests.get(index);
  }

  /** The normalised CSV form, readable again by {@link VmListParser} with the line numbers of the original. */
  public byte[] toCsvBytes() {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, FORMAT)) {
      printer.printRecord((Object[]) HEADER);
      for (Guest guest : guests) {
        printer.printRecord(guest.line(), guest.hostname(), guest.ip(), guest.mac(), guest.netmask(),
            guest.hasGateway() ? guest.gateway() : "", guest.memory(), guest.vcpus());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads back what {@link #toCsvBytes()} wrote; it was validated before, so it is trusted. */
  public static VmList fromCsvBytes(byte[] csv) {
    List<Guest> guests = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(new StringReader(new String(csv, StandardCharsets.UTF_8)),
        FORMAT.builder().setHeader(HEADER).setSkipHeaderRecord(true).get())) {
      for (CSVRecord row : parser) {
        String gateway = row.get("gateway");
        guests.add(new Guest(Integer.parseInt(row.get("line")), row.get("hostname"), row.get("ip"), row.get("mac"),
            row.get("netmask"), gateway.isEmpty() ? null : gateway,
            Integer.parseInt(row.get("memory")), Integer.parseInt(row.get("vcpus"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new VmList(guests);
  }
}
