package org.xenprovisioner.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VmListParserTests {

  private static final String GOOD_MAC = "00:16:3e:00:00:01";

  private final VmListParser parser = new VmListParser(new GuestDefaults("255.255.255.0", null, 512, 1), 5);

  private static List<VmListError> errorsOf(VmListParser parser, String csv) {
    VmListRejectedException e = catchThrowableOfType(VmListRejectedException.class, () -> parser.parse(csv));
    assertThat(e).as("the list should have been refused").isNotNull();
    return e.errors();
  }

  private List<VmListError> errorsOf(String csv) {
    return errorsOf(parser, csv);
  }

  private List<VmListError> errorsOf(byte[] csv) {
    VmListRejectedException e = catchThrowableOfType(VmListRejectedException.class, () -> parser.parse(csv));
    assertThat(e).as("the list should have been refused").isNotNull();
    return e.errors();
  }

  /** One line with a header and one data row in positional order; the single error it gives is returned. */
  private VmListError onlyErrorOf(String row) {
    List<VmListError> errors = errorsOf("hostname,ip,mac,netmask,gateway,memory,vcpus\n" + row + "\n");
    assertThat(errors).hasSize(1);
    return errors.get(0);
  }

  // --- layout -------------------------------------------------------------------------------

  @Test
  void readsPositionalColumnsWithoutHeader() {
    VmList list = parser.parse("web01,192.0.2.10,00:16:3e:00:00:01,255.255.0.0,192.0.2.1,1024,2\n");

    assertThat(list.guests()).containsExactly(
        new Guest(1, "web01", "192.0.2.10", GOOD_MAC, "255.255.0.0", "192.0.2.1", 1024, 2));
  }

  @Test
  void readsHeaderColumnsInAnyOrderAndLetterCase() {
    VmList list = parser.parse("VCPUs,MAC,Memory,IP,HostName,Gateway,NETMASK\n"
        + "4,00:16:3e:00:00:01,2048,192.0.2.10,web01,192.0.2.1,/24\n");

    assertThat(list.guests()).containsExactly(
        new Guest(2, "web01", "192.0.2.10", GOOD_MAC, "255.255.255.0", "192.0.2.1", 2048, 4));
  }

  @Test
  void fillsDefaultsForOmittedOptionalColumns() {
    VmListParser withGateway = new VmListParser(new GuestDefaults("255.255.0.0", "192.0.0.1", 768, 3), 5);

    VmList list = withGateway.parse("mac,hostname,ip\n00:16:3e:00:00:01,web01,192.0.2.10\n");

    assertThat(list.guests()).containsExactly(
        new Guest(2, "web01", "192.0.2.10", GOOD_MAC, "255.255.0.0", "192.0.0.1", 768, 3));
  }

  @Test
  void fillsDefaultsForEmptyOptionalCellsAndLeavesGatewayAbsentWithoutDefault() {
    VmList list = parser.parse("web01,192.0.2.10,00:16:3e:00:00:01,,,,\n");

    Guest guest = list.guest(0);
    assertThat(guest.netmask()).isEqualTo("255.255.255.0");
    assertThat(guest.memory()).isEqualTo(512);
    assertThat(guest.vcpus()).isEqualTo(1);
    assertThat(guest.gateway()).isNull();
    assertThat(guest.hasGateway()).isFalse();
  }

  @Test
  void toleratesUtf8ByteOrderMark() {
    byte[] body = "\uFEFFhostname,ip,mac\nweb01,192.0.2.10,00:16:3e:00:00:01\n".getBytes(StandardCharsets.UTF_8);
    assertThat(body[0]).isEqualTo((byte) 0xEF);

    VmList list = parser.parse(body);

    assertThat(list.guests()).extracting(Guest::line, Guest::hostname).containsExactly(tuple(2, "web01"));
  }

  @Test
  void acceptsCrLfLineEndings() {
    VmList list = parser.parse("hostname,ip,mac\r\nweb01,192.0.2.10,00:16:3e:00:00:01\r\n"
        + "\r\n# second\r\nweb02,192.0.2.11,00:16:3e:00:00:02\r\n");

    assertThat(list.guests()).extracting(Guest::line, Guest::hostname, Guest::mac)
        .containsExactly(tuple(2, "web01", GOOD_MAC), tuple(5, "web02", "00:16:3e:00:00:02"));
  }

  @Test
  void ignoresCommentAndBlankLinesAndKeepsLineNumbers() {
    VmList list = parser.parse("# a VM list\n"
        + "hostname,ip,mac\n"
        + "\n"
        + "# first guest\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01\n"
        + "\n"
        + "\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02\n");

    assertThat(list.guests()).extracting(Guest::line, Guest::hostname)
        .containsExactly(tuple(5, "web01"), tuple(8, "web02"));
  }

  @Test
  void errorsAfterCommentsAndBlankLinesNameTheRightLine() {
    List<VmListError> errors = errorsOf("# comment\n\nhostname,ip,mac\n# another\n\nweb_01,192.0.2.10,00:16:3e:00:00:01\n");

    assertThat(errors).extracting(VmListError::line, VmListError::column).containsExactly(tuple(6, "hostname"));
  }

  @Test
  void readsQuotedField() {
    VmList list = parser.parse("\"hostname\",\"ip\",\"mac\"\n\"web01\",\"192.0.2.10\",\"00:16:3e:00:00:01\"\n");

    assertThat(list.guests()).extracting(Guest::hostname, Guest::ip).containsExactly(tuple("web01", "192.0.2.10"));
  }

  @Test
  void quotedNewlineShiftsLineNumbersOfLaterRows() {
    List<VmListError> errors = errorsOf("hostname,ip,mac\n"
        + "\"web\n01\",192.0.2.10,00:16:3e:00:00:01\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02\n"
        + "web_03,192.0.2.12,00:16:3e:00:00:03\n");

    assertThat(errors).extracting(VmListError::line, VmListError::column)
        .containsExactly(tuple(2, "hostname"), tuple(5, "hostname"));
  }

  @Test
  void quotedNewlineInValidListKeepsLineOfRowStart() {
    VmList list = parser.parse("hostname,ip,mac,gateway\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01,\"\n\"\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02,\n");

    assertThat(list.guests()).extracting(Guest::line, Guest::hostname)
        .containsExactly(tuple(2, "web01"), tuple(4, "web02"));
  }

  // --- hostname ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // 64-character label
      "-web01", "web01-", "web.-01", "web_01", "a;rm -rf /", "../etc", "web/01", "web01.", ".web01", "web 01",
      "wéb01", "\"a$(id)\""})
  void refusesInvalidHostnames(String hostname) {
    VmListError error = onlyErrorOf(quote(hostname) + ",192.0.2.10,00:16:3e:00:00:01,,,,");

    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo("hostname");
  }

  @Test
  void refusesHostnameLongerThan253Characters() {
    String label = "a".repeat(63);
    String hostname = String.join(".", label, label, label, label); // 255 characters

    VmListError error = onlyErrorOf(hostname + ",192.0.2.10,00:16:3e:00:00:01,,,,");

    assertThat(error.column()).isEqualTo("hostname");
    assertThat(error.message()).contains("253");
  }

  @Test
  void acceptsLongestLabelAndFullyQualifiedName() {
    String label = "a".repeat(63);

    VmList list = parser.parse(label + ",192.0.2.10,00:16:3e:00:00:01\nweb-02.example.org,192.0.2.11,00:16:3e:00:00:02\n");

    assertThat(list.guests()).extracting(Guest::hostname).containsExactly(label, "web-02.example.org");
  }

  @Test
  void refusesEmptyHostname() {
    VmListError error = onlyErrorOf(",192.0.2.10,00:16:3e:00:00:01,,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "hostname");
  }

  // --- ip ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.256", "192.0.2.010", "192.0.02.10", "192.0.2", "192.0.2.10.1", "192.0.2.x", "abc",
      "192.0.2.-1", "192.0.2.", "0x1.0.2.10"})
  void refusesInvalidIpAddresses(String ip) {
    VmListError error = onlyErrorOf("web01," + ip + ",00:16:3e:00:00:01,,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "ip");
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.0", "192.0.2.255", "127.0.0.5", "224.0.0.5", "0.1.2.3"})
  void refusesAddressesNoGuestCanHold(String ip) {
    VmListError error = onlyErrorOf("web01," + ip + ",00:16:3e:00:00:01,,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "ip");
  }

  @Test
  void refusesMissingIp() {
    VmListError error = onlyErrorOf("web01,,00:16:3e:00:00:01,,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "ip");
  }

  // --- netmask -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"255.0.255.0", "255.255.255.1", "0.0.0.0", "33", "/33", "/0", "255.255.255", "mask"})
  void refusesInvalidNetmasks(String netmask) {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01," + netmask + ",,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "netmask");
  }

  @Test
  void normalisesPrefixLengthToDottedQuad() {
    VmList list = parser.parse("web01,192.0.2.10,00:16:3e:00:00:01,/24\nweb02,10.0.0.10,00:16:3e:00:00:02,16\n"
        + "web03,10.1.0.10,00:16:3e:00:00:03,255.255.254.0\n");

    assertThat(list.guests()).extracting(Guest::netmask).containsExactly("255.255.255.0", "255.255.0.0", "255.255.254.0");
  }

  // --- gateway -------------------------------------------------------------------------------

  @Test
  void refusesGatewayOutsideTheNetwork() {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01,255.255.255.0,192.0.3.1,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "gateway");
    assertThat(error.message()).contains("outside");
  }

  @Test
  void refusesGatewayEqualToTheGuestAddress() {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01,,192.0.2.10,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "gateway");
  }

  @Test
  void refusesGatewayThatIsNotAnAddress() {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01,,192.0.2.300,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "gateway");
  }

  @Test
  void acceptsGatewayInsideAWiderNetwork() {
    VmList list = parser.parse("web01,10.1.2.3,00:16:3e:00:00:01,/16,10.1.0.1\n");

    assertThat(list.guest(0).gateway()).isEqualTo("10.1.0.1");
  }

  // --- mac -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"01:16:3e:00:00:01", "ff:ff:ff:ff:ff:ff", "03-00-00-00-00-01"})
  void refusesMulticastMac(String mac) {
    VmListError error = onlyErrorOf("web01,192.0.2.10," + mac + ",,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "mac");
    assertThat(error.message()).contains("multicast");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00.16.3e.00.00.01", "0016.3e00.0001", "00163e000001", "00 16 3e 00 00 01",
      "00:16-3e:00:00:01", "00-16-3e-00-00:01", "00:16:3e:00:00", "00:16:3e:00:00:01:02", "00:16:3g:00:00:01",
      "0:16:3e:00:00:01", "00:00:00:00:00:00"})
  void refusesMalformedMac(String mac) {
    VmListError error = onlyErrorOf("web01,192.0.2.10," + mac + ",,,,");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "mac");
  }

  @Test
  void leavesAnEmptyMacForTheBatchApiToAssign() {
    VmList list = parser.parse("hostname,ip,mac\nweb01,192.0.2.10,\nweb02,192.0.2.11,\"\"\nweb03,192.0.2.12,00:16:3e:00:00:03\n");

    assertThat(list.guests()).extracting(Guest::mac).containsExactly(null, null, "00:16:3e:00:00:03");
  }

  @Test
  void normalisesMacToLowerCaseWithColons() {
    VmList list = parser.parse("web01,192.0.2.10,00-16-3E-AB-CD-EF\nweb02,192.0.2.11,02:16:3E:Ab:cD:01\n");

    assertThat(list.guests()).extracting(Guest::mac).containsExactly("00:16:3e:ab:cd:ef", "02:16:3e:ab:cd:01");
  }

  // --- memory and vcpus ----------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"lots", "1.5", "-512", "512MiB", "31", "4194305", "99999999999"})
  void refusesInvalidMemory(String memory) {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01,,," + memory + ",");

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "memory");
  }

  @ParameterizedTest
  @ValueSource(strings = {"two", "0", "513", "-1", "1.0"})
  void refusesInvalidVcpus(String vcpus) {
    VmListError error = onlyErrorOf("web01,192.0.2.10,00:16:3e:00:00:01,,,," + vcpus);

    assertThat(error).extracting(VmListError::line, VmListError::column).containsExactly(2, "vcpus");
  }

  @Test
  void acceptsMemoryAndVcpusAtTheirBounds() {
    VmList list = parser.parse("web01,192.0.2.10,00:16:3e:00:00:01,,,32,1\nweb02,192.0.2.11,00:16:3e:00:00:02,,,4194304,512\n");

    assertThat(list.guests()).extracting(Guest::memory, Guest::vcpus).containsExactly(tuple(32, 1), tuple(4194304, 512));
  }

  // --- duplicates ----------------------------------------------------------------------------

  @Test
  void refusesHostnameUsedTwiceInOtherLetterCase() {
    List<VmListError> errors = errorsOf("hostname,ip,mac\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01\n"
        + "# comment\n"
        + "WEB01,192.0.2.11,00:16:3e:00:00:02\n");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).extracting(VmListError::line, VmListError::column).containsExactly(4, "hostname");
    assertThat(errors.get(0).message()).contains("line 2");
  }

  @Test
  void refusesMacUsedTwiceInOtherSpelling() {
    List<VmListError> errors = errorsOf("web01,192.0.2.10,00:16:3e:ab:cd:ef\n"
        + "web02,192.0.2.11,00-16-3E-AB-CD-EF\n");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).extracting(VmListError::line, VmListError::column).containsExactly(2, "mac");
    assertThat(errors.get(0).message()).contains("line 1");
  }

  @Test
  void refusesIpUsedTwice() {
    List<VmListError> errors = errorsOf("web01,192.0.2.10,00:16:3e:00:00:01\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02\n"
        + "web03,192.0.2.10,00:16:3e:00:00:03\n");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).extracting(VmListError::line, VmListError::column).containsExactly(3, "ip");
    assertThat(errors.get(0).message()).contains("line 1");
  }

  // --- header --------------------------------------------------------------------------------

  @Test
  void refusesUnknownHeaderColumn() {
    List<VmListError> errors = errorsOf("hostname,ip,mac,colour\nweb01,192.0.2.10,00:16:3e:00:00:01,blue\n");

    assertThat(errors).anySatisfy(error -> {
      assertThat(error.line()).isEqualTo(1);
      assertThat(error.column()).isEqualTo("colour");
      assertThat(error.message()).contains("unknown column");
    });
  }

  @Test
  void refusesHeaderWithoutRequiredColumn() {
    List<VmListError> errors = errorsOf("hostname,ip,memory\nweb01,192.0.2.10,1024\n");

    assertThat(errors).anySatisfy(error -> {
      assertThat(error.line()).isEqualTo(1);
      assertThat(error.column()).isEqualTo("mac");
      assertThat(error.message()).contains("missing");
    });
  }

  @Test
  void refusesRowWithMoreFieldsThanColumns() {
    List<VmListError> errors = errorsOf("hostname,ip,mac\nweb01,192.0.2.10,00:16:3e:00:00:01,extra\n");

    assertThat(errors).extracting(VmListError::line).containsExactly(2);
  }

  // --- whole list ----------------------------------------------------------------------------

  @Test
  void refusesMoreRowsThanMaxRows() {
    VmListParser two = new VmListParser(new GuestDefaults("255.255.255.0", null, 512, 1), 2);

    List<VmListError> errors = errorsOf(two, "hostname,ip,mac\n"
        + "web01,192.0.2.10,00:16:3e:00:00:01\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02\n"
        + "web03,192.0.2.12,00:16:3e:00:00:03\n");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).line()).isEqualTo(4);
    assertThat(errors.get(0).message()).contains("2").contains("provisioner.max-rows");
  }

  @Test
  void acceptsExactlyMaxRows() {
    VmListParser two = new VmListParser(new GuestDefaults("255.255.255.0", null, 512, 1), 2);

    VmList list = two.parse("hostname,ip,mac\nweb01,192.0.2.10,00:16:3e:00:00:01\nweb02,192.0.2.11,00:16:3e:00:00:02\n");

    assertThat(list.size()).isEqualTo(2);
  }

  @Test
  void refusesNonUtf8BytesNamingTheirLine() {
    byte[] head = "hostname,ip,mac\nweb01,192.0.2.10,00:16:3e:00:00:01\nweb".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "02,192.0.2.11,00:16:3e:00:00:02\n".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xE9; // ISO-8859-1 'é'
    System.arraycopy(tail, 0, body, head.length + 1, tail.length);

    List<VmListError> errors = errorsOf(body);

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).line()).isEqualTo(3);
    assertThat(errors.get(0).message()).contains("UTF-8");
  }

  @Test
  void refusesEmptyList() {
    assertThat(errorsOf("# only a comment\n\n")).hasSize(1);
    assertThat(errorsOf("hostname,ip,mac\n")).hasSize(1);
  }

  @Test
  void reportsAllErrorsAtOnce() {
    List<VmListError> errors = errorsOf("hostname,ip,mac,memory\n"
        + "web_01,192.0.2.10,00:16:3e:00:00:01,512\n"
        + "web02,192.0.2.11,00:16:3e:00:00:02,512\n"
        + "web03,192.0.2.256,00:16:3e:00:00:03,512\n"
        + "# comment\n"
        + "web04,192.0.2.13,01:16:3e:00:00:04,lots\n");

    assertThat(errors).extracting(VmListError::line, VmListError::column).containsExactlyInAnyOrder(
        tuple(2, "hostname"), tuple(4, "ip"), tuple(6, "mac"), tuple(6, "memory"));
  }

  // --- checking a stored guest again ----------------------------------------------------------

  @Test
  void everyGuestIntakeAcceptsPassesTheCheckAgain() {
    VmList list = parser.parse("# guests\n"
        + "hostname,ip,mac,netmask,gateway,memory,vcpus\n"
        + "web01,192.0.2.10,00-16-3E-00-00-01,/24,192.0.2.1,1024,2\n"
        + "\n"
        + "db01.example.org,10.0.0.5,00:16:3e:00:00:02,255.0.0.0,,4096,8\n");

    assertThat(list.guests()).containsExactly(
        new Guest(3, "web01", "192.0.2.10", GOOD_MAC, "255.255.255.0", "192.0.2.1", 1024, 2),
        new Guest(5, "db01.example.org", "10.0.0.5", "00:16:3e:00:00:02", "255.0.0.0", null, 4096, 8));
    list.guests().forEach(VmListParser::verify);
  }

  @Test
  void aStoredGuestThatIntakeWouldNotHaveAcceptedFailsTheCheckNamingLineAndColumn() {
    Guest good = new Guest(7, "web01", "192.0.2.10", GOOD_MAC, "255.255.255.0", "192.0.2.1", 1024, 2);
    List<Guest> tampered = List.of(
        new Guest(7, "../../x", good.ip(), good.mac(), good.netmask(), good.gateway(), 1024, 2),
        new Guest(7, good.hostname(), "192.0.2.10\nscript=x", good.mac(), good.netmask(), good.gateway(), 1024, 2),
        new Guest(7, good.hostname(), good.ip(), "00:16:3E:00:00:01", good.netmask(), good.gateway(), 1024, 2),
        new Guest(7, good.hostname(), good.ip(), good.mac(), "24", good.gateway(), 1024, 2),
        new Guest(7, good.hostname(), good.ip(), good.mac(), good.netmask(), "10.0.0.1", 1024, 2),
        new Guest(7, good.hostname(), good.ip(), good.mac(), good.netmask(), good.gateway(), 1, 2),
        new Guest(7, good.hostname(), "192.0.2.255", good.mac(), good.netmask(), null, 1024, 2),
        new Guest(7, null, good.ip(), good.mac(), good.netmask(), good.gateway(), 1024, 2));
    List<String> columns = List.of("hostname", "ip", "mac", "netmask", "gateway", "memory", "ip", "hostname");
    for (int i = 0; i < tampered.size(); i++) {
      Guest guest = tampered.get(i);
      String column = columns.get(i);
      assertThatThrownBy(() -> VmListParser.verify(guest)).as("%s", guest)
          .isInstanceOfSatisfying(VmListRejectedException.class, e -> assertThat(e.errors())
              .extracting(VmListError::line, VmListError::column).contains(tuple(7, column)));
    }
    VmListParser.verify(good);
  }

  private static String quote(String cell) {
    return "\"" + cell.replace("\"", "\"\"") + "\"";
  }
}
