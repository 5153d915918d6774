package org.xenprovisioner.boot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a guest booted from a {@link DebianRoot} base says about itself: the lines its report unit
 * prints on {@code /dev/ttyS0} between {@code XENPROV report-begin} and {@code XENPROV report-end},
 * after the network is configured and sshd has started:
 *
 * <pre>
 * XENPROV report-begin
 * XENPROV hostname=web01
 * XENPROV interface=eth0 mac=00:16:3e:00:00:01 ipv4=10.0.0.11/24
 * XENPROV interface=lo mac=00:00:00:00:00:00 ipv4=127.0.0.1/8
 * XENPROV default-route=default via 10.0.0.1 dev eth0
 * XENPROV machine-id=4c1e…
 * XENPROV ssh-host-key=ED25519 SHA256:…
 * XENPROV hosts-line=10.0.0.11 web01
 * XENPROV failed-units=
 * XENPROV uptime=17.42
 * XENPROV report-end
 * </pre>
 *
 * @param interfaces by name, in the guest's order
 * @param sshHostKeys key type ({@code ED25519}, {@code ECDSA}, {@code RSA}) to fingerprint ({@code SHA256:…})
 * @param hostsLines the lines of the guest's {@code /etc/hosts} that name its host name
 * @param failedUnits systemd units that had failed when the report was made
 * @param uptimeSeconds the guest's uptime when it made the report
 */
public record BootReport(String hostname, Map<String, Nic> interfaces, String defaultRoute, String machineId,
    Map<String, String> sshHostKeys, List<String> hostsLines, List<String> failedUnits, double uptimeSeconds) {

  public static final String PREFIX = "XENPROV ";
  public static final String BEGIN = PREFIX + "report-begin";
  public static final String END = PREFIX + "report-end";

  /** One network interface: name, MAC (lower case) and IPv4 addresses with prefix length ({@code 10.0.0.11/24}). */
  public record Nic(String name, String mac, List<String> ipv4) {

    /** The addresses without their prefix length. */
    public List<String> addresses() {
      return ipv4.stream().map(address -> address.replaceFirst("/.*", "")).toList();
    }
  }

  /** The interface with this MAC (any case, {@code :} or {@code -}). */
  public Optional<Nic> interfaceWithMac(String mac) {
    String wanted = mac.toLowerCase(Locale.ROOT).replace('-', ':');
    return interfaces.values().stream().filter(nic -> nic.mac().equals(wanted)).findFirst();
  }

  /** Whether the console holds a whole report (begin and end). */
  public static boolean isComplete(String console) {
    int begin = console.indexOf(BEGIN);
    return begin >= 0 && console.indexOf(END, begin) >= 0;
  }

  /**
   * The last whole report on the console text.
   *
   * @throws IllegalArgumentException when there is none, or it lacks the host name or the machine id
   */
  public static BootReport parse(String console) {
    int begin = console.lastIndexOf(BEGIN);
    int end = begin < 0 ? -1 : console.indexOf(END, begin);
    if (end < 0) {
      throw new IllegalArgumentException("no complete report (" + BEGIN + " … " + END + ") on the console");
    }
    String hostname = null;
    String defaultRoute = "";
    String machineId = null;
    Map<String, Nic> interfaces = new LinkedHashMap<>();
    Map<String, String> keys = new LinkedHashMap<>();
    List<String> hosts = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    double uptime = -1;
    for (String raw : console.substring(begin, end).split("\n")) {
      String line = raw.replace("\r", "");
      int at = line.indexOf(PREFIX);
      if (at < 0) {
        continue;
      }
      String entry = line.substring(at + PREFIX.length());
      int equals = entry.indexOf('=');
      if (equals < 0) {
        continue;
      }
      String key = entry.substring(0, equals);
      String value = entry.substring(equals + 1).strip();
      switch (key) {
        case "hostname" -> hostname = value;
        case "interface" -> {
          Nic nic = nic(entry);
          interfaces.put(nic.name(), nic);
        }
        case "default-route" -> defaultRoute = value;
        case "machine-id" -> machineId = value;
        case "ssh-host-key" -> {
          String[] fields = value.split(" ", 2);
          if (fields.length == 2) {
            keys.put(fields[0], fields[1].strip());
          }
        }
        case "hosts-line" -> hosts.add(value.replaceAll("\\s+", " "));
        case "failed-units" -> failed.addAll(value.isEmpty() ? List.of() : Arrays.asList(value.split(",")));
        case "uptime" -> uptime = Double.parseDouble(value);
        default -> {
          // a field a newer report script added: ignored
        }
      }
    }
    if (hostname == null || machineId == null) {
      throw new IllegalArgumentException("the report on the console lacks the host name or the machine id");
    }
    return new BootReport(hostname, Collections.unmodifiableMap(interfaces), defaultRoute, machineId,
        Collections.unmodifiableMap(keys),
        List.copyOf(hosts), List.copyOf(failed), uptime);
  }

  /** {@code interface=eth0 mac=52:54:00:12:34:56 ipv4=10.0.2.15/24,10.0.3.1/24}. */
  private static Nic nic(String entry) {
    String name = null;
    String mac = "";
    List<String> ipv4 = List.of();
    for (String field : entry.split(" ")) {
      int equals = field.indexOf('=');
      if (equals < 0) {
        continue;
      }
      String value = field.substring(equals + 1);
      switch (field.substring(0, equals)) {
        case "interface" -> name = value;
        case "mac" -> mac = value.toLowerCase(Locale.ROOT);
        case "ipv4" -> ipv4 = value.isEmpty() ? List.of() : List.of(value.split(","));
        default -> {
          // ignored
        }
      }
    }
    return new Nic(name, mac, ipv4);
  }
}
