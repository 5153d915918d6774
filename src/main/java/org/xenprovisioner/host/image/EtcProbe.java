package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * Looks for {@code /etc} in a file system inside an image, never writing to the image.
 *
 * <ul>
 *   <li>ext2/3/4: {@code debugfs} reads the image file at the partition's offset; nothing is attached.</li>
 *   <li>XFS has no such reader that every Dom0 has ({@code xfs_db} lists directories only in recent
 *       xfsprogs), so the partition is mounted {@code ro,norecovery,nouuid} by {@code mount -o loop}:
 *       the loop device is read-only (a read-only mount sets it up so) and auto-clearing (it is
 *       detached by the unmount, also when the mount itself fails). {@code norecovery}: a dirty log is
 *       not replayed (that would write); {@code nouuid}: copies of this image, which share its UUID,
 *       may be mounted by guests at the same moment. The mount point is
 *       {@code <mount-dir>/.inspect-<random>}: no guest's (a host name never starts with a dot), and
 *       released at start by {@link StartupReconciler} should the app die in between.</li>
 * </ul>
 * Other file systems are not searched: their root must be chosen with {@code provisioner.root-partition}.
 */
final class EtcProbe {

  static final Set<String> SEARCHED = Set.of("ext2", "ext3", "ext4", "xfs");
  static final String MOUNT_POINT_PREFIX = ".inspect-";

  private static final Logger LOG = LoggerFactory.getLogger(EtcProbe.class);
  /**
   * One probe mount at a time in this JVM: {@code mount -o loop} reuses a loop device already set up
   * for the same file and offset, and may pick one that a concurrent probe's unmount is clearing.
   */
  static final ReentrantLock MOUNTING = new ReentrantLock();

  private final CommandRunner runner;
  private final Duration timeout;
  private final Path mountDir;

  EtcProbe(CommandRunner runner, Duration timeout, Path mountDir) {
    this.runner = runner;
    this.timeout = timeout;
    this.mountDir = mountDir.toAbsolutePath().normalize();
  }

  /** The answer, or why there is none (a file system that cannot be read here). */
  record Finding(boolean holdsEtc, String unreadable) {

    static Finding of(boolean holdsEtc) {
      return new Finding(holdsEtc, null);
    }
  }

  /** Whether the file system of the given type at the offset (size bytes; 0: to the end) holds a directory /etc. */
  Finding holdsEtc(Path image, long offset, long size, String type) {
    if (type == null || !SEARCHED.contains(type)) {
      return Finding.of(false);
    }
    return "xfs".equals(type) ? inXfs(image, offset, size) : Finding.of(inExt(image, offset));
  }

  private boolean inExt(Path image, long offset) {
    CommandResult result = runner.runAllowingFailure(Command.of(timeout, "debugfs", "-R", "stat /etc",
        image + "?offset=" + offset));
    return result.exitCode() == 0 && result.stdout().contains("Type: directory");
  }

  private Finding inXfs(Path image, long offset, long size) {
    Path mountPoint = mountDir.resolve(MOUNT_POINT_PREFIX + UUID.randomUUID());
    String options = "ro,loop,offset=" + offset + (size > 0 ? ",sizelimit=" + size : "")
        + ",norecovery,nouuid,nosuid,nodev,noexec";
    MOUNTING.lock();
    try {
      Files.createDirectories(mountDir);
      Files.createDirectory(mountPoint);
      CommandResult mounted = runner.runAllowingFailure(Command.of(timeout, "mount", "-t", "xfs", "-o", options,
          "--", image.toString(), mountPoint.toString()));
      if (mounted.exitCode() != 0) {
        return new Finding(false, "mount -t xfs -o " + options + " failed: " + mounted.stderr().strip());
      }
      try {
        return Finding.of(Files.isDirectory(mountPoint.resolve("etc"), LinkOption.NOFOLLOW_LINKS));
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
}
