package org.xenprovisioner.host.image;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * Looks for {@code /etc} in a file system inside an image, never writing to the image.
 *
 * <ul>
 *   <li>ext2/3/4: {@code debugfs} reads the image file at the partition's offset; nothing is attached.</li>
 *   <li>XFS has no such reader that every Dom0 has ({@code xfs_db} lists directories only in recent
 *       xfsprogs), so the partition is mounted {@code ro,norecovery,nouuid} by {@code mount -o loop}:
 *       see {@link ReadOnlyMount}.</li>
 * </ul>
 * Other file systems are not searched: their root must be chosen with {@code provisioner.root-partition}.
 */
final class EtcProbe {

  static final Set<String> SEARCHED = Set.of("ext2", "ext3", "ext4", "xfs");
  private final CommandRunner runner;
  private final Duration timeout;
  private final ReadOnlyMount mount;

  EtcProbe(CommandRunner runner, Duration timeout, Path mountDir) {
    this.runner = runner;
    this.timeout = timeout;
    this.mount = new ReadOnlyMount(runner, timeout, mountDir);
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
    try {
      return Finding.of(mount.read(image, offset, size, "xfs", root -> Files.isDirectory(root.resolve("etc"), LinkOption.NOFOLLOW_LINKS)));
    } catch (ReadOnlyMount.RefusedException e) {
      return new Finding(false, "mount -t xfs -o " + e.options() + " failed: " + e.stderr());
    }
  }
}
