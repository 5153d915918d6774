package org.xenprovisioner.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;

/**
 * The corpus of bad VM lists under {@code src/test/resources/bad-vm-lists/}, posted through the
 * real API: each is refused with 400 naming the line and column its first line expects; nothing
 * is started or written, and the app goes on serving. Needs no root: nothing reaches the host.
 */
class BadVmListsTests extends RealAppTest {

  private static final int MAX_ROWS = 10;

  @BeforeAll
  static void directories() throws IOException {
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.max-rows", () -> Integer.toString(MAX_ROWS));
  }

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(BadVmListsTests.class.getResource("/bad-vm-lists").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> lists = files.filter(file -> file.toString().endsWith(".csv")).sorted().toList();
      assertThat(lists).as("the corpus").hasSizeGreaterThan(40);
      return lists.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void refusesEachBadListNamingLineAndColumn(Path file) throws IOException {
    byte[] body = Files.readAllBytes(file);
    String[] expected = new String(body, 0, indexOf(body, (byte) '\n'), StandardCharsets.US_ASCII)
        .replace("# expect:", "").strip().split(" ");
    int line = Integer.parseInt(expected[0]);
    String column = expected[1].equals("-") ? null : expected[1];

    ApiClient.Reply reply = refused(body, 400);
    JsonNode errors = reply.body().get("errors");
    List<String> seen = new ArrayList<>();
    errors.forEach(error -> seen.add(error.get("line").asInt() + " " + error.get("column").asText("-")));
    assertThat(seen).as("%s", reply.body()).contains(line + " " + (column == null ? "-" : column));
    errors.forEach(error -> assertThat(error.get("message").asText()).isNotBlank().doesNotContain("\n", "\u0000"));
  }

  @Test
  void refusesAListWithMoreRowsThanMaxRows() {
    StringBuilder csv = new StringBuilder("hostname,ip,mac\n");
    for (int i = 1; i <= MAX_ROWS + 1; i++) {
      csv.append(String.format("rows%02d,10.7.0.%d,00:16:3e:07:00:%02x%n", i, i + 10, i));
    }
    JsonNode errors = refused(csv.toString().getBytes(StandardCharsets.UTF_8), 400).body().get("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).get("line").asInt()).isEqualTo(MAX_ROWS + 2);
    assertThat(errors.get(0).get("message").asText()).contains("provisioner.max-rows", Integer.toString(MAX_ROWS));
  }

  /**
   * As curl sends a large body: headers with "Expect: 100-continue", then the body only after
   * "100 Continue". The API must answer 413 at once, so a 1 GiB list is never even sent.
   */
  @Test
  void refusesABodyFarOverAnySaneSizeWith413BeforeItIsSent() throws IOException {
    ApiClient api = api();
    int batchesBefore = api.get("/api/batches", "olga").body().size();
    String head = "POST /api/batches HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
        + "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("olga:olga-secret".getBytes(StandardCharsets.UTF_8))
        + "\r\nContent-Length: " + (1L << 30) + "\r\nExpect: 100-continue\r\n\r\n";
    String answer;
    try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(answer).startsWith("HTTP/1.1 413").contains("provisioner.max-body-bytes").doesNotContain("100 Continue");
    assertThat(api.get("/api/batches", "olga").body().size()).as("no batch started").isEqualTo(batchesBefore);
  }

  @Test
  void refusesABodyOverMaxBodyBytesWith413() {
    byte[] body = new byte[4 * 1024 * 1024 + 1];
    byte[] row = "big01,10.6.0.11,00:16:3e:06:00:11\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + row.length <= body.length; i += row.length) {
      System.arraycopy(row, 0, body, i, row.length);
    }
    ApiClient.Reply reply = refused(body, 413);
    assertThat(reply.body().get("error").asText()).contains("provisioner.max-body-bytes");
  }

  @Test
  void refusesAListClaimingAHostNameIpOrMacOfAnOpenBatchUntilItCloses() {
    ApiClient api = api();
    ApiClient.Reply first = api.post("/api/batches", "olga", "text/csv", "claim01,10.5.0.11,00:16:3e:05:00:11\n");
    assertThat(first.status()).as("%s", first.body()).isEqualTo(201);
    String firstId = first.body().get("id").asText();
    String second = "hostname,mac,ip\nok01,00:16:3e:05:00:21,10.5.0.21\nCLAIM01,00:16:3e:05:00:31,10.5.0.31\n"
        + "ok02,00-16-3E-05-00-11,10.5.0.41\nok03,00:16:3e:05:00:51,10.5.0.11\n";

    JsonNode errors = refused(second.getBytes(StandardCharsets.UTF_8), 400).body().get("errors");
    List<String> seen = new ArrayList<>();
    errors.forEach(error -> seen.add(error.get("line").asInt() + " " + error.get("column").asText()));
    assertThat(seen).containsExactlyInAnyOrder("3 hostname", "4 mac", "5 ip");
    assertThat(errors.toString()).contains("claimed by batch " + firstId);

    assertThat(api.post("/api/batches/" + firstId + "/approval", "arne", "application/json",
        "{\"approved\": false, \"comment\": \"no\"}").status()).isEqualTo(200);
    ApiClient.Reply accepted = api.post("/api/batches", "olga", "text/csv", second);
    assertThat(accepted.status()).as("a closed batch claims nothing: %s", accepted.body()).isEqualTo(201);
    assertThat(api.post("/api/batches/" + accepted.body().get("id").asText() + "/approval", "arne", "application/json",
        "{\"approved\": false}").status()).isEqualTo(200);
  }

  /** Posts the body and checks the refusal, that nothing was started or written, and that the app still answers. */
  private ApiClient.Reply refused(byte[] body, int status) {
    ApiClient api = api();
    int batchesBefore = api.get("/api/batches", "olga").body().size();
    ApiClient.Reply reply = api.post("/api/batches", "olga", "text/csv", body);
    assertThat(reply.status()).as("%s", reply.body()).isEqualTo(status);
    ApiClient.Reply after = api.get("/api/batches", "olga");
    assertThat(after.status()).as("the app still answers").isEqualTo(200);
    assertThat(after.body().size()).as("no batch started").isEqualTo(batchesBefore);
    assertThat(root.resolve("images").toFile().list()).as("nothing written").isEmpty();
    assertThat(root.resolve("xen").toFile().list()).as("nothing written").isEmpty();
    return reply;
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    throw new AssertionError("no expect line");
  }
}
