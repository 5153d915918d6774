package org.xenprovisioner.intake;

/**
 * One validated row of a VM list: everything the six steps need to make one guest. Values are
 * normalised (MAC lower case with colons, netmask dotted quad, defaults filled in).
 *
 * @param line the line of the VM list the row started on, for messages
 * @param mac null in a row that left it empty, until the batch API assigns one ({@link XenMacs})
 * @param dom0 the Dom0 the guest is made on; null in a row that left it to the node accepting the batch
 */
public record Guest(int line, String hostname, String ip, String mac, String netmask,
                    String gateway, int memory, int vcpus, String dom0) {

  /** A row that names no Dom0. */
  public Guest(int line, String hostname, String ip, String mac, String netmask, String gateway, int memory, int vcpus) {
    this(line, hostname, ip, mac, netmask, gateway, memory, vcpus, null);
  }

  /** Whether the row (or the defaults) gave a gateway. */
  public boolean hasGateway() {
    return gateway != null && !gateway.isEmpty();
  }

  /** The same guest with the given MAC. */
  public Guest withMac(String assigned) {
    return new Guest(line, hostname, ip, assigned, netmask, gateway, memory, vcpus, dom0);
  }

  /** The same guest on the given Dom0. */
  public Guest on(String dom0) {
    return new Guest(line, hostname, ip, mac, netmask, gateway, memory, vcpus, dom0);
  }
}
