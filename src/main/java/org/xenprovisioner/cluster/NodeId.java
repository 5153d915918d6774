package org.xenprovisioner.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Which run of the application holds a Dom0's registration: the machine, the process and a random
 * part, as {@code <machine>:<pid>:<random>} (at most 64 characters, the column's size). A node that
 * starts finds the registration of its Dom0 still fresh after a {@code kill -9} of its previous run;
 * this tells that previous run (same machine, its process gone or now this one) from another node
 * holding the same name.
 */
record NodeId(String machine, long pid, String random) {

  private static final Path MACHINE_ID = Path.of("/etc/machine-id");

  /** This run's id. */
  static NodeId ofThisRun() {
    return new NodeId(thisMachine(), ProcessHandle.current().pid(), UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  /** An id as stored; one of another form (an older version's plain UUID) has no machine. */
  static NodeId parse(String stored) {
    String[] parts = stored.split(":", 3);
    if (parts.length == 3 && parts[1].matches("\\d{1,18}")) {
      return new NodeId(parts[0], Long.parseLong(parts[1]), parts[2]);
    }
    return new NodeId("", -1, stored);
  }

  /** Whether {@code earlier} is a previous run on this machine, whose process is gone (or is now this one). */
  boolean succeeds(NodeId earlier) {
    if (earlier.machine.isEmpty() || !earlier.machine.equals(machine)) {
      return false;
    }
    return earlier.pid == pid || ProcessHandle.of(earlier.pid).map(process -> !process.isAlive()).orElse(true);
  }

  @Override
  public String toString() {
    return machine + ":" + pid + ":" + random;
  }

  /** The first 16 characters of {@code /etc/machine-id}, or the host name where there is none (some containers). */
  private static String thisMachine() {
    try {
      String id = Files.readString(MACHINE_ID).strip();
      if (id.matches("[0-9a-f]{16,}")) {
        return id.substring(0, 16);
      }
    } catch (IOException | SecurityException e) {
      // no machine id: the host name says the same for our purpose
    }
    try {
      String host = InetAddress.getLocalHost().getHostName().replace(":", "");
      return host.length() > 30 ? host.substring(0, 30) : host;
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
