package org.xenprovisioner.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class XenMacsTests {

  @Test
  void takesXensOuiAndThreeOctetsOfTheMd5OfTheHostName() throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest("web01".getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(md5);
    String expected = String.format("00:16:3e:%02x:%s:%s", Integer.parseInt(hex.substring(0, 2), 16) & 0x7f,
        hex.substring(2, 4), hex.substring(4, 6));

    assertThat(XenMacs.of("web01")).isEqualTo(expected);
    assertThat(XenMacs.assign("web01", Set.of())).isEqualTo(expected);
  }

  @Test
  void isStableAndIgnoresLetterCase() {
    assertThat(XenMacs.of("Web01.Example.COM")).isEqualTo(XenMacs.of("web01.example.com"));
    assertThat(XenMacs.of("web01")).isNotEqualTo(XenMacs.of("web02"));
  }

  @Test
  void isAValidUnicastMacWithTheFourthOctetBelow0x80() {
    for (int i = 0; i < 2000; i++) {
      String mac = XenMacs.of("host-" + i);
      assertThat(FieldRules.mac(mac)).isEqualTo(mac);
      assertThat(mac).startsWith("00:16:3e:");
      assertThat(Integer.parseInt(mac.substring(9, 11), 16)).isLessThan(0x80);
    }
  }

  @Test
  void aCollisionTakesTheNextValueUpDeterministically() {
    String own = XenMacs.of("db01");
    String next = XenMacs.assign("db01", Set.of(own));
    String afterNext = XenMacs.assign("db01", Set.of(own, next));

    assertThat(next).isNotEqualTo(own);
    assertThat(suffix(next)).isEqualTo((suffix(own) + 1) % (1 << 23));
    assertThat(suffix(afterNext)).isEqualTo((suffix(own) + 2) % (1 << 23));
    assertThat(XenMacs.assign("db01", Set.of(own))).as("same input, same answer").isEqualTo(next);
  }

  @Test
  void wrapsAroundAtTheTopOfTheRange() {
    Set<String> taken = new HashSet<>();
    String mac = XenMacs.of("wrap");
    // take everything from the host name's own value to the top, so the next free one is at the bottom
    for (int value = suffix(mac); value < (1 << 23) && taken.size() < 200_000; value++) {
      taken.add(String.format("00:16:3e:%02x:%02x:%02x", value >> 16, (value >> 8) & 0xff, value & 0xff));
    }
    String assigned = XenMacs.assign("wrap", taken);
    assertThat(taken).doesNotContain(assigned);
    if (suffix(mac) + taken.size() == (1 << 23)) {
      assertThat(assigned).isEqualTo("00:16:3e:00:00:00");
    } else {
      assertThat(suffix(assigned)).isEqualTo(suffix(mac) + taken.size());
    }
  }

  private static int suffix(String mac) {
    return Integer.parseInt(mac.substring(9).replace(":", ""), 16);
  }
}
