package org.xenprovisioner.intake;

/**
 * One validated row of a VM list: everything the six steps need to make one guest. Values are
 * normalised (MAC lower case with colons, netmask dotted quad, defaults filled in).
 *
 * @param line the line of the VM list the row started on, for messages
 */
public record Guest(int line, String hostname, String ip, String mac, String netmask,
                    String gateway, int memory, int vcpus) {

  /** Whether the row (or the defaults) gave a gateway. */
  public boolean hasGateway() {
    return gateway != null && !gateway.isEmpty();
  }
}
