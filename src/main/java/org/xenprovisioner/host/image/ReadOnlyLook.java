package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * A look into the root file system of an image (the base image, for the plan) that changes nothing:
 * {@code mount -o ro,loop} at the root's offset, a journal or log never replayed ({@code noload} for
 * ext3/4, {@code norecovery} for XFS), so the reader sees the very files a guest copied from it
 * will have. The loop device is read-only and auto-clearing: it goes with the unmount, which always
 * follows, also when the reader fails. The mount point is {@code <mount-dir>/.inspect-<random>}, as
 * {@link EtcProbe}'s, which the start-up clean-up releases should the app die in between.
 */
@Component
public class ReadOnlyLook {

  private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyLook.class);

  private final CommandRunner runner;
  private final BaseImageInspector inspector;
  private final Duration timeout;
  private final Path mountDir;

  ReadOnlyLook(CommandRunner runner, BaseImageInspector inspector, ProvisionerProperties properties) {
    this.runner = runner;
    this.inspector = inspector;
    this.timeout = properties.commandTimeout();
    this.mountDir = properties.mountDir().toAbsolutePath().normalize();
  }

  /** The reader's answer about the image's root file system, mounted read-only for as long as the reader runs. */
  public <T> T into(Path image, Function<Path, T> reader) {
    RootFileSystem root = inspector.inspect(image);
    Path mountPoint = mountDir.resolve(EtcProbe.MOUNT_POINT_PREFIX + UUID.randomUUID());
    List<String> options = new ArrayList<>(List.of("ro", "loop", "offset=" + root.offset()));
    if (root.sizeLimit() > 0) {
      options.add("sizelimit=" + root.sizeLimit());
    }
    options.addAll(switch (root.type()) {
      case "xfs" -> List.of("norecovery", "nouuid");
      case "ext3", "ext4" -> List.of("noload");
      default -> List.of();
    });
    options.addAll(List.of("nosuid", "nodev", "noexec"));
    EtcProbe.MOUNTING.lock();
    try {
      Files.createDirectories(mountDir);
      Files.createDirectory(mountPoint);
      CommandResult mounted = runner.runAllowingFailure(Command.of(timeout, "mount", "-t", root.type(), "-o",
          String.join(",", options), "--", image.toString(), mountPoint.toString()));
      if (mounted.exitCode() != 0) {
        throw new HostOperationException("cannot look into image " + image + " (" + root + "): mount read-only failed: "
            + mounted.stderr().strip());
      }
      try {
        return reader.apply(mountPoint);
      } finally {
        runner.run(Command.of(timeout, "umount", mountPoint.toString()));
      }
    } catch (IOException e) {
      throw new HostOperationException("cannot create the mount point " + mountPoint + " to look into " + image + ": "
          + e.getMessage(), e);
    } finally {
      EtcProbe.MOUNTING.unlock();
      try {
        Files.deleteIfExists(mountPoint);
      } catch (IOException e) {
        LOG.warn("could not remove the mount point {}: {}", mountPoint, e.getMessage());
      }
    }
  }
}
