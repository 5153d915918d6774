package org.xenprovisioner.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.image.MountTable;
import org.xenprovisioner.host.image.RootFileSystem;

/**
 * Tests on real images need root, loop devices and e2fsprogs. Where those are missing (a laptop)
 * they are skipped with the reason; with {@code PROVISIONER_REQUIRE_ROOT_TESTS=true} (set by
 * {@code .ci/run}) they fail instead, so CI can never pass by skipping them.
 */
public final class RealHost {

  public static final String REQUIRED = "PROVISIONER_REQUIRE_ROOT_TESTS";
  private static final List<String> TOOLS = List.of("losetup", "mount", "umount", "mkfs.ext4", "debugfs", "cp", "stat", "truncate",
      "blkid", "partx", "sfdisk", "pvcreate");

  private RealHost() {
  }

  /** Building and inspecting small images needs e2fsprogs and util-linux, not root. */
  public static void assumeImageToolsUsable() {
    for (String tool : List.of("mkfs.ext4", "debugfs", "blkid", "partx", "truncate")) {
      if (HostTools.find(tool) == null) {
        skipOrFail("the command " + tool + " is not installed");
      }
    }
  }

  public static void assumeLoopDevicesUsable() {
    skipOrFail(missing());
  }

  /** Tools only some tests need, each named as {@code "command (package name)"}; skipped or failed as the others. */
  public static void assumeTools(String... tools) {
    for (String tool : tools) {
      String command = tool.replaceFirst(" .*", "");
      if (HostTools.find(command) == null) {
        skipOrFail("the command " + tool + " is not installed");
      }
    }
  }

  private static void skipOrFail(String missing) {
    HostTools.skipOrFail(missing, REQUIRED, "tests on real images", " (run as root with loop devices to include these tests)");
  }

  private static String missing() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not running as root";
    }
    for (String tool : TOOLS) {
      if (HostTools.find(tool) == null) {
        return "the command " + tool + " is not installed";
      }
    }
    if (!Files.exists(Path.of("/dev/loop-control"))) {
      return "/dev/loop-control does not exist (no loop device support)";
    }
    return null;
  }

  /** Runs a command for a test, failing the test with its output when it exits non-zero. */
  public static String run(String... argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", argv) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + argv[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads a file inside an ext image without mounting it. */
  public static String readInImage(Path image, String guestPath) {
    try {
      Process process = new ProcessBuilder("debugfs", "-R", "cat " + guestPath, image.toString()).start();
      String content = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(60, TimeUnit.SECONDS);
      if (errors.contains("not found") || errors.contains("File not found")) {
        return null;
      }
      return content;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Reads files of a guest's file system (any type the inspector finds; XFS too, which debugfs
   * cannot read) by a read-only loop mount at the mount point given, unmounted again before
   * returning; a missing file reads as null.
   */
  public static Map<String, String> readMounted(Path image, RootFileSystem fs, Path mountPoint, String... guestPaths)
      throws IOException {
    Files.createDirectories(mountPoint);
    String options = "ro,loop,offset=" + fs.offset() + (fs.sizeLimit() > 0 ? ",sizelimit=" + fs.sizeLimit() : "")
        + ("xfs".equals(fs.type()) ? ",nouuid,norecovery" : "");
    run("mount", "-t", fs.type(), "-o", options, image.toString(), mountPoint.toString());
    try {
      Map<String, String> files = new LinkedHashMap<>();
      for (String guestPath : guestPaths) {
        Path file = mountPoint.resolve(guestPath.replaceFirst("^/", ""));
        files.put(guestPath, Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.readString(file) : null);
      }
      return files;
    } finally {
      run("umount", mountPoint.toString());
      Files.deleteIfExists(mountPoint);
    }
  }

  /** A clean-up action that may fail. */
  public interface CleanUp {
    void run() throws Exception;
  }

  /**
   * Runs every action, also those after one that failed (an exception or a failed assertion); then
   * throws the first failure, the others added to it.
   */
  public static void everyOne(CleanUp... actions) throws Exception {
    Throwable first = null;
    for (CleanUp action : actions) {
      try {
        action.run();
      } catch (Exception | AssertionError e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first instanceof Exception exception) {
      throw exception;
    }
    if (first instanceof AssertionError error) {
      throw error;
    }
  }

  /** The names of the entries of a directory, in no particular order. */
  public static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  /** The half-made image copies ({@code *.part}) in an image directory. */
  public static List<Path> partialCopies(Path imageDir) {
    try (Stream<Path> files = Files.list(imageDir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".part")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The UUID of the file system the image holds there (a bare file system: the whole image). */
  public static String fileSystemUuid(Path image, RootFileSystem fs) throws IOException {
    return run("blkid", "-p", "-s", "UUID", "-o", "value", "--offset", Long.toString(fs.offset()),
        "--size", Long.toString(fs.sizeLimit() > 0 ? fs.sizeLimit() : Files.size(image)), image.toString()).strip();
  }

  /** Bytes the file system really allocated for the file (holes excluded). */
  public static long allocatedBytes(Path file) {
    String[] blocks = run("stat", "-c", "%b %B", file.toString()).strip().split(" ");
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }

  /** Loop devices whose backing file lies under the directory. */
  public static List<String> loopDevicesUnder(Path dir) {
    List<String> devices = new ArrayList<>();
    for (String line : run("losetup", "--list", "--noheadings", "--raw", "--output", "NAME,BACK-FILE").split("\n")) {
      String[] fields = line.strip().split(" ", 2);
      if (fields.length == 2 && fields[1].startsWith(dir.toString())) {
        devices.add(fields[0]);
      }
    }
    return devices;
  }

  /** Mount points under the directory. */
  public static List<Path> mountsUnder(Path dir) {
    return MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).entries().stream().map(MountTable.Entry::mountPoint)
        .filter(point -> point.startsWith(dir)).toList();
  }

  /** Unmounts and detaches whatever a failed test left under the directory, then deletes it. */
  public static void cleanUp(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    if (missing() == null) {
      mountsUnder(dir).stream().sorted(Comparator.reverseOrder())
          .forEach(point -> runQuietly("umount", "-l", point.toString()));
      loopDevicesUnder(dir).forEach(device -> runQuietly("losetup", "--detach", device));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static void runQuietly(String... argv) {
    try {
      new ProcessBuilder(argv).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      // best effort: the assertion that found the leak has already failed the test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
