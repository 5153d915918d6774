package org.xenprovisioner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.Await;
import org.xenprovisioner.testing.ExecutableJar;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;

/**
 * The README's "Install on a Dom0", as far as a container allows: the executable jar, installed
 * under a temp root that stands in for {@code /} ({@code <root>/opt/xen-provisioner},
 * {@code <root>/etc/xen-provisioner/application.yaml}, {@code <root>/srv/xen}, {@code <root>/etc/xen},
 * {@code <root>/var/lib/xen-provisioner}), started with the unit file's own {@code ExecStart} from
 * its {@code WorkingDirectory}, far from the source tree. The sample configuration is used as
 * shipped, only its absolute paths moved under the root; what an administrator adds (base image,
 * users, a free port) comes on the command line. The host's real directories are never touched.
 */
class InstalledServiceTests {

  private static final Path UNIT = Path.of("packaging", "xen-provisioner.service");
  private static final Path SAMPLE_CONFIG = Path.of("packaging", "application.yaml");
  /** Every absolute path the unit and the sample configuration name, moved under the root by the test. */
  private static final Pattern INSTALLED_PATH =
      Pattern.compile("(?<![\\w.-])(/opt/xen-provisioner|/etc/xen-provisioner|/var/lib/xen-provisioner|/srv/xen|/etc/xen|/run/xen-provisioner)(?![\\w-])");
  private static final List<String> GUESTS = List.of("svc1", "svc2");

  private static Path root;
  private static Path jar;
  private static int port;
  private static final List<Process> apps = new ArrayList<>();

  @BeforeAll
  static void install() throws IOException {
    root = Files.createTempDirectory("xenprov-install-");
    jar = ExecutableJar.build(root.resolve("opt/xen-provisioner"));
    for (String dir : List.of("etc/xen-provisioner", "srv/xen/base", "etc/xen")) {
      Files.createDirectories(root.resolve(dir));
    }
    // systemd makes the StateDirectory owner-only before it starts the service
    Files.createDirectories(root.resolve("var/lib/xen-provisioner"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    String config = Files.readString(SAMPLE_CONFIG);
    Files.writeString(root.resolve("etc/xen-provisioner/application.yaml"), installed(config));
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
  }

  @AfterEach
  void stopApps() {
    for (Process app : apps) {
      app.descendants().forEach(ProcessHandle::destroyForcibly);
      app.destroyForcibly();
      app.toHandle().onExit().join();
    }
    apps.clear();
  }

  @AfterAll
  static void removeRoot() throws IOException {
    try {
      keepLogs();
    } finally {
      RealHost.cleanUp(root);
    }
  }

  @Test
  void unitRunsTheJarAsRootWithTheEtcConfigAndRestartsOnFailure() throws Exception {
    Map<String, String> unit = unitSettings();
    assertThat(unit.get("ExecStart")).matches("/usr/bin/java \\$JAVA_OPTS -jar /opt/xen-provisioner/xen-provisioner\\.jar "
        + "--spring\\.config\\.additional-location=/etc/xen-provisioner/");
    assertThat(unit).containsEntry("User", "root").containsEntry("Restart", "on-failure")
        .containsEntry("WorkingDirectory", "/var/lib/xen-provisioner").containsEntry("StateDirectory", "xen-provisioner")
        .containsEntry("WantedBy", "multi-user.target");

    Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of).filter(Files::isExecutable)
        .findFirst().orElse(null);
    Assumptions.assumeTrue(analyze != null, "systemd-analyze is not installed: the unit's syntax is not verified here");
    Process verify = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    String output = new String(verify.getInputStream().readAllBytes());
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).as("systemd-analyze verify").isBlank();
  }

  @Test
  void sampleConfigNamesNoHostPathTheInstallTestWouldNotMove() throws IOException {
    List<String> settings = Files.readAllLines(root.resolve("etc/xen-provisioner/application.yaml")).stream()
        .map(line -> line.replaceAll("#.*", "")).filter(line -> !line.isBlank()).toList();
    for (String line : settings) {
      String words = line.replace("file:/", "file: /");
      Matcher absolute = Pattern.compile("(?<![\\w.:/])/[\\w.-]+").matcher(words);
      while (absolute.find()) {
        assertThat(words.substring(absolute.start())).as("a host path in '%s'", line).startsWith(root.toString());
      }
    }
    assertThat(settings).anyMatch(line -> line.contains("WRITE_DELAY=0"));
  }

  @Test
  void jarStartsFromItsWorkingDirectoryWithTheSampleConfigAndABatchSurvivesAServiceStop() throws Exception {
    RealHost.assumeLoopDevicesUsable();
    // enough data that the stop lands while an image is copied
    TestImages.rhelBase(root.resolve("srv/xen/base"), 1024, 300);
    ApiClient api = new ApiClient(port);

    Process app = start("run-1");
    String log = Files.readString(root.resolve("run-1.log"));
    assertThat(log).contains("xen-provisioner is ready: Tasklist http://localhost:" + port + "/camunda/app/tasklist/ · Cockpit http://localhost:"
        + port + "/camunda/app/cockpit/ · audit http://localhost:" + port + "/audit/ · API http://localhost:" + port + "/api/batches");
    Path state = root.resolve("var/lib/xen-provisioner");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("admin-password")))).isEqualTo("rw-------");
    assertThat(state.resolve("xen-provisioner.mv.db")).isRegularFile();

    StringBuilder csv = new StringBuilder("hostname,ip,mac\n");
    for (int i = 0; i < GUESTS.size(); i++) {
      csv.append(GUESTS.get(i)).append(",192.168.80.").append(11 + i).append(",00:16:3e:80:00:").append(11 + i).append('\n');
    }
    ApiClient.Reply submitted = api.post("/api/batches?name=service", "olga", "text/csv", csv.toString());
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(201);
    String id = submitted.body().get("id").asText();
    // approved in the background: on two busy cores the answer can come after the copies are done
    CompletableFuture<Integer> approval = CompletableFuture.supplyAsync(() ->
        api.post("/api/batches/" + id + "/approval", "arne", "application/json", "{\"approved\": true}").status());
    // the copy's part file: cp is running (polled cheaply, the copy of a cached base takes a fraction of a second)
    awaitOrFail(app, "an image copy to be under way", () -> {
      try (Stream<Path> files = Files.list(root.resolve("srv/xen"))) {
        return files.anyMatch(file -> file.getFileName().toString().endsWith(".part"));
      }
    });
    app.destroy();
    assertThat(app.waitFor(90, TimeUnit.SECONDS)).as("stopped within the unit's TimeoutStopSec").isTrue();
    assertThat(app.exitValue()).as("SIGTERM is a clean stop: exit 0, not 143").isZero();
    assertThat(approval.join()).as("the approval's answer, sent before the server stopped").isEqualTo(200);
    assertThat(Files.readString(root.resolve("run-1.log"))).doesNotContain("rolling the guest back", "rolled back");

    start("run-2");
    JsonNode batch = api.waitUntilFinished(id, Duration.ofMinutes(3));
    assertThat(batch.get("state").asText()).as("a stop is no failure: the interrupted step ran again. %s", batch)
        .isEqualTo("COMPLETED");
    for (String guest : GUESTS) {
      assertThat(RealHost.readInImage(root.resolve("srv/xen/" + guest + ".img"), "/etc/hostname")).isEqualTo(guest + "\n");
      // rendered from the templates built into the jar: the sample configuration names no template directory
      assertThat(root.resolve("etc/xen/" + guest + ".cfg")).content().contains("name = \"" + guest + "\"",
          "target=" + root.resolve("srv/xen/" + guest + ".img"));
    }
    assertThat(RealHost.loopDevicesUnder(root)).isEmpty();
    assertThat(RealHost.mountsUnder(root)).isEmpty();
  }

  @Test
  void aMissingTemplateDirectoryStopsTheStartWithAShortReportAndNoStackTrace() throws Exception {
    Path missing = root.resolve("etc/xen-provisioner/templates");
    Process app = launch("bad-templates", "--provisioner.template-dir=" + missing);

    assertThat(app.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String log = Files.readString(root.resolve("bad-templates.log"));
    assertThat(app.exitValue()).as(log).isNotZero();
    assertThat(log).contains("APPLICATION FAILED TO START", "provisioner.template-dir: " + missing + " is not a readable directory")
        .doesNotContainPattern("\\n\\s+at [\\w.$]+\\(");
  }

  /** The unit's ExecStart, its paths moved under the root, run from its WorkingDirectory. */
  private static Process launch(String name, String... adminArguments) throws IOException {
    Map<String, String> unit = unitSettings();
    String javaOpts = unit.get("Environment").replaceFirst("^JAVA_OPTS=", "");
    List<String> command = new ArrayList<>();
    for (String word : installed(unit.get("ExecStart")).split("\\s+")) {
      if (word.equals("$JAVA_OPTS")) {
        command.addAll(Arrays.asList(javaOpts.split("\\s+")));
      } else if (word.equals("/usr/bin/java")) {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      } else {
        command.add(word);
      }
    }
    assertThat(command).contains(jar.toString());
    command.add("--server.port=" + port);
    command.addAll(Arrays.asList(adminArguments));
    Path workingDirectory = Path.of(installed(unit.get("WorkingDirectory")));
    Process app = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
        .redirectOutput(root.resolve(name + ".log").toFile()).start();
    apps.add(app);
    return app;
  }

  /** Starts the installed service as an administrator would configure it, and waits until it answers. */
  private static Process start(String name) throws Exception {
    Process app = launch(name, "--provisioner.base-image=" + root.resolve("srv/xen/base/base.img"),
        "--provisioner.users[0].id=olga", "--provisioner.users[0].password=olga-secret", "--provisioner.users[0].groups=operators",
        "--provisioner.users[1].id=arne", "--provisioner.users[1].password=arne-secret", "--provisioner.users[1].groups=approvers");
    awaitOrFail(app, "the app to answer", () -> Files.readString(root.resolve(name + ".log")).contains("xen-provisioner is ready"));
    return app;
  }

  private static String installed(String text) {
    return INSTALLED_PATH.matcher(text).replaceAll(match -> Matcher.quoteReplacement(root + match.group(1)));
  }

  /** Key=value lines of the unit file (the last one wins, as systemd's do for these keys). */
  private static Map<String, String> unitSettings() throws IOException {
    Map<String, String> settings = new java.util.HashMap<>();
    for (String line : Files.readAllLines(UNIT)) {
      if (!line.startsWith("#") && line.contains("=")) {
        settings.put(line.substring(0, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
      }
    }
    return settings;
  }

  private static void awaitOrFail(Process app, String what, Await.Condition condition) throws InterruptedException {
    Await.until(what, Duration.ofMinutes(3), Duration.ofMillis(2), () -> {
      if (condition.holds()) {
        return true;
      }
      if (!app.isAlive()) {
        throw new AssertionError("the app exited with " + app.exitValue() + " while waiting for " + what);
      }
      return false;
    }, null);
  }

  /** The apps' logs go to target/install-logs, to read after a failure. */
  private static void keepLogs() throws IOException {
    if (root == null || !Files.isDirectory(root)) {
      return;
    }
    Path kept = Files.createDirectories(Path.of("target/install-logs"));
    try (Stream<Path> logs = Files.list(root)) {
      for (Path log : logs.filter(file -> file.getFileName().toString().endsWith(".log")).toList()) {
        Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
