package org.xenprovisioner.intake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The MAC of a guest whose row left it empty: Xen's OUI {@code 00:16:3e} and three octets from the
 * MD5 of the lower-case host name (xen-tools derives its MACs from an MD5 of the host name too), the
 * first of them kept in {@code 00..7f} as Xen's own MAC generator does. The same host name always
 * gets the same MAC; when that one is taken, the next one up (wrapping within the 2^23 values) is
 * tried, so the result depends only on the host name and what is taken.
 */
public final class XenMacs {

  static final String OUI = "00:16:3e";
  private static final int SPACE = 1 << 23;

  private XenMacs() {
  }

  /** The host name's own MAC, before any collision. */
  public static String of(String hostname) {
    return format(hash(hostname));
  }

  /**
   * The first MAC from the host name's own one upwards that is not taken.
   *
   * @param taken MACs in normal form (lower case, colons)
   * @throws IllegalStateException when every one of the 2^23 values is taken
   */
  public static String assign(String hostname, Set<String> taken) {
    int start = hash(hostname);
    for (int step = 0; step < SPACE; step++) {
      String mac = format((start + step) % SPACE);
      if (!taken.contains(mac)) {
        return mac;
      }
    }
    throw new IllegalStateException("every MAC under " + OUI + ":00:00:00-7f:ff:ff is taken");
  }

  private static int hash(String hostname) {
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(hostname.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return ((md5[0] & 0x7f) << 16) | ((md5[1] & 0xff) << 8) | (md5[2] & 0xff);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  private static String format(int octets) {
    HexFormat hex = HexFormat.of();
    return OUI + ":" + hex.toHexDigits((byte) (octets >> 16)) + ":" + hex.toHexDigits((byte) (octets >> 8)) + ":"
        + hex.toHexDigits((byte) octets);
  }
}
