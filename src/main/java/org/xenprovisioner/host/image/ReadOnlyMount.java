package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * A file system inside an image, mounted read-only for as long as a reader runs, changing nothing:
 * {@code mount -o ro,loop} at its offset, a journal or log never replayed ({@code noload} for
 * ext3/4, {@code norecovery} for XFS; {@code nouuid} too, as copies of the image sharing its UUID
 * may be mounted by guests at the same moment). The loop device is read-only and auto-clearing: it
 * goes with the unmount, which always follows, also when the reader fails. The mount point is
 * {@code <mount-dir>/.inspect-<random>}: no guest's (a host name never starts with a dot), and
 * released at start by {@link StartupReconciler} should the app die in between.
 */
final class ReadOnlyMount {

  static final String MOUNT_POINT_PREFIX = ".inspect-";

  private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyMount.class);
  /**
   * One such mount at a time in this JVM: {@code mount -o loop} reuses a loop device already set up
   * for the same file and offset, and may pick one that a concurrent look's unmount is clearing.
   */
  private static final ReentrantLock MOUNTING = new ReentrantLock();

  private final CommandRunner runner;
  private final Duration timeout;
  private final Path mountDir;

  ReadOnlyMount(CommandRunner runner, Duration timeout, Path mountDir) {
    this.runner = runner;
    this.timeout = timeout;
    this.mountDir = mountDir.toAbsolutePath().normalize();
  }

  /** The mount itself failed: the file system cannot be read here. */
  static final class RefusedException extends HostOperationException {

    private final String options;
    private final String stderr;

    RefusedException(String options, String stderr) {
      super("mount -o " + options + " failed: " + stderr);
      this.options = options;
      this.stderr = stderr;
    }

    String options() {
      return options;
    }

    String stderr() {
      return stderr;
    }
  }

  /** The reader's answer about the file system of the given type at the offset (size bytes; 0: to the end). */
  <T> T read(Path image, long offset, long size, String type, Function<Path, T> reader) {
    String options = options(offset, size, type);
    Path mountPoint = mountDir.resolve(MOUNT_POINT_PREFIX + UUID.randomUUID());
    MOUNTING.lock();
    try {
      Files.createDirectories(mountDir);
      Files.createDirectory(mountPoint);
      CommandResult mounted = runner.runAllowingFailure(Command.of(timeout, "mount", "-t", type, "-o", options,
          "--", image.toString(), mountPoint.toString()));
      if (mounted.exitCode() != 0) {
        throw new RefusedException(options, mounted.stderr().strip());
      }
      try {
        return reader.apply(mountPoint);
      } finally {
        // the loop device is cleared with the mount; a failure here is an error, never a mount left quietly
        runner.run(Command.of(timeout, "umount", mountPoint.toString()));
      }
    } catch (IOException e) {
      throw new HostOperationException("cannot create the mount point " + mountPoint + " to look into " + image + ": "
          + e.getMessage(), e);
    } finally {
      MOUNTING.unlock();
      try {
        Files.deleteIfExists(mountPoint);
      } catch (IOException e) {
        LOG.warn("could not remove the mount point {}: {}", mountPoint, e.getMessage());
      }
    }
  }

  private static String options(long offset, long size, String type) {
    List<String> options = new ArrayList<>(List.of("ro", "loop", "offset=" + offset));
    if (size > 0) {
      options.add("sizelimit=" + size);
    }
    options.addAll(switch (type) {
      case "xfs" -> List.of("norecovery", "nouuid");
      case "ext3", "ext4" -> List.of("noload");
      default -> List.of();
    });
    options.addAll(List.of("nosuid", "nodev", "noexec"));
    return String.join(",", options);
  }
}
