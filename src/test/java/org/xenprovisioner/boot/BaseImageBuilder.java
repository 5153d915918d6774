package org.xenprovisioner.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandFailedException;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * Makes a base image of a {@link DebianRoot}: a sparse raw file holding a bare ext4 file system
 * (no partition table, as the provisioner accepts), filled with {@code mkfs.ext4 -d} without
 * mounting anything, labelled {@link DebianRoot#ROOT_LABEL} for the tree's {@code /etc/fstab}.
 * Guests boot it with {@code root=/dev/xvda} under Xen and {@code root=/dev/vda} under QEMU.
 */
public final class BaseImageBuilder {

  public static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;
  private static final CommandRunner RUNNER = new CommandRunner();

  private BaseImageBuilder() {
  }

  /** A 2 GiB sparse ext4 image of the root at {@code image} (which must not exist). */
  public static Path ext4(DebianRoot root, Path image) throws IOException {
    return ext4(root, image, DEFAULT_BYTES);
  }

  /** A sparse ext4 image of {@code bytes} of the root at {@code image} (which must not exist). */
  public static Path ext4(DebianRoot root, Path image, long bytes) throws IOException {
    if (Files.exists(image)) {
      throw new IOException(image + " exists already");
    }
    try {
      RUNNER.run(Command.of(Duration.ofSeconds(30), "truncate", "-s", Long.toString(bytes), image.toString()));
      RUNNER.run(Command.of(Duration.ofMinutes(5), "mkfs.ext4", "-q", "-F", "-L", DebianRoot.ROOT_LABEL,
          "-d", root.tree().toString(), image.toString()));
    } catch (CommandFailedException e) {
      Files.deleteIfExists(image);
      throw new IOException("could not make the base image " + image + ": " + e.getMessage(), e);
    }
    return image;
  }
}
