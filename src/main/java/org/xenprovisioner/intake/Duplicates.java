package org.xenprovisioner.intake;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Finds rows that share a host name (in any letter case), an IP or a MAC with an earlier row. */
final class Duplicates {

  private final Map<String, Integer> hostnames = new HashMap<>();
  private final Map<String, Integer> ips = new HashMap<>();
  private final Map<String, Integer> macs = new HashMap<>();
  private final List<VmListError> errors;

  Duplicates(List<VmListError> errors) {
    this.errors = errors;
  }

  void check(Guest guest) {
    check(hostnames, "hostname", guest.hostname().toLowerCase(Locale.ROOT), guest.line());
    check(ips, "ip", guest.ip(), guest.line());
    if (guest.mac() != null) {
      check(macs, "mac", guest.mac(), guest.line());
    }
  }

  private void check(Map<String, Integer> seen, String column, String key, int line) {
    Integer first = seen.putIfAbsent(key, line);
    if (first != null) {
      errors.add(new VmListError(line, column, key + " is already used on line " + first));
    }
  }
}
