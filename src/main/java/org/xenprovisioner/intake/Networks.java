package org.xenprovisioner.intake;

/** Checks that need the address and its netmask together. */
final class Networks {

  private Networks() {
  }

  /** Refuses addresses no guest NIC can hold: the network or broadcast address, loopback, multicast. */
  static Void checkHostAddress(long ip, long mask) {
    int first = (int) (ip >> 24);
    if (first == 0 || first == 127 || first >= 224) {
      throw new IllegalArgumentException(FieldRules.dottedQuad(ip) + " cannot be a guest's address (reserved, loopback or multicast)");
    }
    long host = ip & ~mask & 0xFFFFFFFFL;
    long hostBits = ~mask & 0xFFFFFFFFL;
    if (hostBits > 1 && (host == 0 || host == hostBits)) {
      throw new IllegalArgumentException(FieldRules.dottedQuad(ip) + " is the network or broadcast address of its subnet "
          + FieldRules.dottedQuad(ip & mask) + "/" + Long.bitCount(mask));
    }
    return null;
  }

  /** The gateway, which must lie in the guest's network and not be the guest itself. */
  static String gateway(String value, long ip, long mask) {
    long gateway = FieldRules.ipv4(value);
    if ((gateway & mask) != (ip & mask)) {
      throw new IllegalArgumentException("gateway " + FieldRules.dottedQuad(gateway) + " is outside the guest's network "
          + FieldRules.dottedQuad(ip & mask) + "/" + Long.bitCount(mask));
    }
    if (gateway == ip) {
      throw new IllegalArgumentException("gateway " + FieldRules.dottedQuad(gateway) + " is the guest's own address");
    }
    checkHostAddress(gateway, mask);
    return FieldRules.dottedQuad(gateway);
  }
}
