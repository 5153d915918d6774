package org.xenprovisioner.xen;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.testing.HostTools;
import org.xenprovisioner.testing.RealHost;

/**
 * Xen's own parser on a domain config: {@code xl -N create FILE}, the dry run that parses the file
 * as {@code xl create} would and prints the domain it would build as JSON, without a hypervisor.
 * xl opens the hypervisor's interfaces before it parses, so a small library built here from
 * {@code libxen-dev}'s headers ({@code src/test/resources/xen/xl-stub.c}, preloaded) answers the
 * few calls it makes with a made-up 4-CPU host.
 *
 * <p>xl only warns on some mistakes (an unknown vif key, {@code memory = "512M"}, a disk that is
 * not a list) and exits 0, so {@link #parse} fails on any message but "Parsing config from".
 * Needs {@code xen-utils-4.17}, {@code libxen-dev} and {@code gcc}: skipped with the reason
 * without them, failed instead with {@code PROVISIONER_REQUIRE_ROOT_TESTS=true} (as {@code .ci/run} sets).
 */
public final class XlDryRun {

  public static final Path XL = Path.of("/usr/lib/xen-4.17/bin/xl");
  private static final Path HEADER = Path.of("/usr/include/xenctrl.h");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final CommandRunner RUNNER = new CommandRunner();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path stub;

  private XlDryRun(Path stub) {
    this.stub = stub;
  }

  /** The domain as xl would build it: the JSON of {@code xl -N create}, and the file it came from. */
  public record Domain(Path file, JsonNode json) {

    public String name() {
      return json.path("c_info").path("name").asText();
    }

    public String type() {
      return json.path("c_info").path("type").asText();
    }

    public long memoryMiB() {
      return json.path("b_info").path("max_memkb").asLong() / 1024;
    }

    public int vcpus() {
      return json.path("b_info").path("max_vcpus").asInt();
    }

    public String bootloader() {
      return json.path("b_info").path("bootloader").asText();
    }

    public List<JsonNode> disks() {
      return list(json.path("disks"));
    }

    public List<JsonNode> nics() {
      return list(json.path("nics"));
    }

    private static List<JsonNode> list(JsonNode array) {
      List<JsonNode> items = new ArrayList<>();
      array.forEach(items::add);
      return items;
    }
  }

  /**
   * Builds the stub library into {@code workDir}. Skips the calling test (or fails it, when the tests
   * are mandatory) where xl, the headers or gcc are missing.
   */
  public static XlDryRun in(Path workDir) throws IOException {
    HostTools.skipOrFail(missing(), RealHost.REQUIRED, "xl's parser tests",
        " (install xen-utils-4.17, libxen-dev and gcc to read domain configs with xl)");
    Path source = workDir.resolve("xl-stub.c");
    try (InputStream in = XlDryRun.class.getResourceAsStream("/xen/xl-stub.c")) {
      Files.copy(in, source);
    }
    Path library = workDir.resolve("xl-stub.so");
    RUNNER.run(Command.of(TIMEOUT, "gcc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", library.toString(), source.toString()));
    return new XlDryRun(library);
  }

  private static String missing() {
    if (!Files.isExecutable(XL)) {
      return XL + " is not installed (Debian package xen-utils-4.17)";
    }
    if (!Files.isRegularFile(HEADER)) {
      return HEADER + " is not installed (Debian package libxen-dev)";
    }
    return HostTools.find("gcc") == null ? "gcc is not installed (Debian package gcc)" : null;
  }

  /** Reads the file with xl: fails unless xl takes it without a word but "Parsing config from". */
  public Domain parse(Path config) throws IOException {
    CommandResult result = run(config);
    List<String> messages = result.stderr().lines().filter(line -> !line.startsWith("Parsing config from ")).toList();
    if (result.exitCode() != 0 || !messages.isEmpty()) {
      fail("xl does not take " + config + " as it is (exit " + result.exitCode() + "): " + String.join(" / ", messages)
          + "\n--- the file ---\n" + Files.readString(config));
    }
    return new Domain(config, JSON.readTree(result.stdout()));
  }

  /** xl's verdict on a file, for tests that show what {@link #parse} catches: exit code and messages. */
  CommandResult run(Path config) {
    return RUNNER.runAllowingFailure(new Command(
        List.of("env", "LD_PRELOAD=" + stub, XL.toString(), "-N", "create", config.toString()), TIMEOUT));
  }
}
