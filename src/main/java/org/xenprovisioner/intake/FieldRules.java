package org.xenprovisioner.intake;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rules for each field of a VM list row. Each method returns the normalised value or throws
 * {@link IllegalArgumentException} with a message an operator can act on.
 */
public final class FieldRules {

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\\1){4}[0-9A-Fa-f]{2}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

  static final int MIN_MEMORY_MIB = 32;
  static final int MAX_MEMORY_MIB = 4 * 1024 * 1024;
  static final int MAX_VCPUS = 512;

  private FieldRules() {
  }

  /** An RFC 1123 host name: it becomes a file name, so nothing else is ever accepted. */
  public static String hostname(String value) {
    if (value.length() > 253) {
      throw new IllegalArgumentException("host name is " + value.length() + " characters long; at most 253 are allowed");
    }
    for (String label : value.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("'" + printable(value)
            + "' is not an RFC 1123 host name (labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen)");
      }
    }
    return value;
  }

  /** The name of a Dom0 ({@code provisioner.dom0} of its node): an RFC 1123 host name of at most 63 characters. */
  public static String dom0(String value) {
    if (value.length() > 63) {
      throw new IllegalArgumentException("Dom0 name is " + value.length() + " characters long; at most 63 are allowed");
    }
    try {
      return hostname(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + printable(value) + "' is not a Dom0 name (an RFC 1123 host name)");
    }
  }

  /** A dotted-quad IPv4 address, returned as a 32-bit value. Leading zeros are refused (octal ambiguity). */
  public static long ipv4(String value) {
    String[] parts = value.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("'" + printable(value) + "' is not an IPv4 address (dotted quad, e.g. 192.0.2.10)");
    }
    long address = 0;
    for (String part : parts) {
      if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
        throw new IllegalArgumentException("'" + printable(value) + "' is not an IPv4 address (dotted quad, e.g. 192.0.2.10)");
      }
      address = (address << 8) | Integer.parseInt(part);
    }
    return address;
  }

  /** A netmask as dotted quad or prefix length ({@code 24} or {@code /24}); returned as dotted quad. */
  public static String netmask(String value) {
    String prefixText = value.startsWith("/") ? value.substring(1) : value;
    if (DIGITS.matcher(prefixText).matches()) {
      int prefix = Integer.parseInt(prefixText);
      if (prefix < 1 || prefix > 32) {
        throw new IllegalArgumentException("netmask prefix length " + prefix + " is outside 1-32");
      }
      return dottedQuad(prefixToMask(prefix));
    }
    long mask = ipv4(value);
    long inverted = ~mask & 0xFFFFFFFFL;
    if (mask == 0 || (inverted & (inverted + 1)) != 0) {
      throw new IllegalArgumentException("'" + printable(value) + "' is not a contiguous netmask");
    }
    return dottedQuad(mask);
  }

  /** A unicast MAC address with ':' or '-' separators; returned lower case with ':'. */
  public static String mac(String value) {
    if (!MAC.matcher(value).matches()) {
      throw new IllegalArgumentException("'" + printable(value)
          + "' is not a MAC address (six hex octets separated by ':' or '-', e.g. 00:16:3e:12:34:56)");
    }
    String normalised = value.replace('-', ':').toLowerCase(Locale.ROOT);
    int firstOctet = Integer.parseInt(normalised.substring(0, 2), 16);
    if ((firstOctet & 1) != 0) {
      throw new IllegalArgumentException("'" + value + "' is a multicast MAC address; a guest NIC needs a unicast one");
    }
    if (normalised.equals("00:00:00:00:00:00")) {
      throw new IllegalArgumentException("'" + value + "' is the all-zero MAC address");
    }
    return normalised;
  }

  /** A whole number within bounds, for memory (MiB) and vCPUs. */
  public static int number(String value, String what, int min, int max) {
    if (!DIGITS.matcher(value).matches()) {
      throw new IllegalArgumentException("'" + printable(value) + "' is not a whole number of " + what);
    }
    int number = Integer.parseInt(value);
    if (number < min || number > max) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", not " + number);
    }
    return number;
  }

  public static String dottedQuad(long address) {
    return ((address >> 24) & 0xFF) + "." + ((address >> 16) & 0xFF) + "." + ((address >> 8) & 0xFF) + "." + (address & 0xFF);
  }

  static long prefixToMask(int prefix) {
    return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  /** Shows control characters and non-ASCII visibly, so a message never carries them raw. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    value.codePoints().limit(80).forEach(c -> {
      if (c < 0x20 || c == 0x7F || c > 0x7E) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append((char) c);
      }
    });
    return value.codePointCount(0, value.length()) > 80 ? out + "..." : out.toString();
  }
}
