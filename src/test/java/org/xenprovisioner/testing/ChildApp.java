package org.xenprovisioner.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real application as a child JVM of the test (the test's own class path), so a test can kill
 * it as a power cut would, start it again, or run several as the nodes of a cluster. Each start
 * writes its own log; {@link #keepLogs} copies them to {@code target/app-logs} for reading after a
 * failure.
 */
public final class ChildApp {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final String name;
  private final Path workDir;
  private final int port;
  private final List<String> arguments;
  private final List<ProcessHandle> orphans = new ArrayList<>();
  private Process process;
  private int starts;

  /**
   * @param arguments Spring arguments ({@code --name=value}) besides the port, which the app gets from here
   */
  public ChildApp(String name, Path workDir, List<String> arguments) throws IOException {
    this.name = name;
    this.workDir = workDir;
    this.port = freePort();
    this.arguments = List.copyOf(arguments);
  }

  /** The arguments every test app shares: its directories under the root, the users olga and arne, the templates. */
  public static List<String> arguments(Path root) {
    return List.of(
        "--provisioner.base-image=" + root.resolve("base/base.img"),
        "--provisioner.image-dir=" + root.resolve("images"),
        "--provisioner.xen-config-dir=" + root.resolve("xen"),
        "--provisioner.mount-dir=" + root.resolve("mnt"),
        "--provisioner.data-dir=" + root.resolve("data"),
        "--provisioner.template-dir=" + Path.of("config/templates").toAbsolutePath(),
        "--provisioner.users[0].id=olga", "--provisioner.users[0].password=olga-secret", "--provisioner.users[0].groups=operators",
        "--provisioner.users[1].id=arne", "--provisioner.users[1].password=arne-secret", "--provisioner.users[1].groups=approvers");
  }

  /** The arguments of a node of a cluster: {@link #arguments}, the shared PostgreSQL, its Dom0, its heartbeat, two steps at once. */
  public static List<String> clusterNode(Path root, int postgresPort, String dom0, String heartbeat) {
    List<String> arguments = new ArrayList<>(arguments(root));
    arguments.addAll(List.of(
        "--spring.datasource.url=jdbc:postgresql://localhost:" + postgresPort + "/postgres",
        "--spring.datasource.username=postgres", "--spring.datasource.password=",
        "--provisioner.dom0=" + dom0, "--provisioner.heartbeat-interval=" + heartbeat, "--provisioner.max-parallel=2"));
    return arguments;
  }

  /** The argument that puts the engine's H2 file database at {@code file} (without its {@code .mv.db}). */
  public static String h2At(Path file) {
    return "--spring.datasource.url=jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
  }

  /** Stops the app if there is one (paused or not) and keeps its logs; for clean-up after a test class. */
  public static void destroyKeepingLogs(ChildApp app) throws IOException {
    if (app != null) {
      app.destroy();
      app.keepLogs();
    }
  }

  public int port() {
    return port;
  }

  public ApiClient api() {
    return new ApiClient(port);
  }

  public Path log() {
    return workDir.resolve(name + "-" + starts + ".log");
  }

  /** Starts the app and waits until its API answers. */
  public void start() throws IOException, InterruptedException {
    starts++;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "org.xenprovisioner.XenProvisionerApplication", "--server.port=" + port));
    command.addAll(arguments);
    process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log().toFile()).start();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(log()));
      }
      if (answers()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " did not start within " + START_TIMEOUT + ":\n" + tail(log()));
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, as a power cut or the OOM killer would; an image copy it started is left running as an orphan. */
  public void kill() {
    copies().forEach(orphans::add);
    process.destroyForcibly();
    waitFor(process.toHandle());
  }

  /** SIGSTOP: the whole JVM stands still, as a node cut off or frozen would, its heartbeat too. */
  public void pause() {
    RealHost.run("kill", "-STOP", Long.toString(process.pid()));
  }

  /** SIGCONT after {@link #pause}. */
  public void resume() {
    RealHost.run("kill", "-CONT", Long.toString(process.pid()));
  }

  /** Image copies ({@code cp}) this app runs now. */
  public Stream<ProcessHandle> copies() {
    return process == null ? Stream.empty()
        : process.descendants().filter(child -> child.info().command().map(c -> c.endsWith("/cp")).orElse(false));
  }

  /** Copies left running by a kill that are still alive. */
  public List<ProcessHandle> orphansAlive() {
    return orphans.stream().filter(ProcessHandle::isAlive).toList();
  }

  /** Stops the app and whatever it left running; for clean-up after the test. */
  public void destroy() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      waitFor(process.toHandle());
    }
    orphans.forEach(ProcessHandle::destroyForcibly);
    orphans.forEach(ChildApp::waitFor);
  }

  /** Keeps the logs of every start in target/app-logs. */
  public void keepLogs() throws IOException {
    Path kept = Files.createDirectories(Path.of("target/app-logs"));
    for (int run = 1; run <= starts; run++) {
      Path log = workDir.resolve(name + "-" + run + ".log");
      if (Files.exists(log)) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private boolean answers() {
    try {
      return api().get("/api/batches", "olga").status() == 200;
    } catch (AssertionError notYet) {
      return false;
    }
  }

  private static void waitFor(ProcessHandle process) {
    try {
      process.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("process " + process.pid() + " did not exit", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
