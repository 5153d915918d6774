package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * Runs once at start, before the job executor takes any job: releases what a previous run of the
 * app left behind when it died (kill -9, power loss). It unmounts and detaches every loop device
 * backed by a guest image in {@code provisioner.image-dir}, and the read-only mounts it made to look
 * into a base image ({@code <mount-dir>/.inspect-*}, see {@link ReadOnlyMount}); nothing else mounted
 * under {@code provisioner.mount-dir}. It stops image copies still running for the dead app and removes
 * its temporary files. The interrupted steps then run again from their last commit: each step
 * and undo is idempotent, and the steps after "Attach and mount image" mount again when needed.
 * Single node only: another live app on the same directories would lose its mounts.
 */
@Component
public class StartupReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(StartupReconciler.class);
  private static final String DELETED = " (deleted)";

  private final CommandRunner runner;
  private final Path imageDir;
  private final Path xenConfigDir;
  private final Path mountDir;
  private final Duration timeout;

  StartupReconciler(CommandRunner runner, ProvisionerProperties properties) {
    this.runner = runner;
    this.imageDir = properties.imageDir().toAbsolutePath().normalize();
    this.xenConfigDir = properties.xenConfigDir().toAbsolutePath().normalize();
    this.mountDir = properties.mountDir().toAbsolutePath().normalize();
    this.timeout = properties.commandTimeout();
  }

  public void reconcile() {
    stopOrphanedCopies();
    releaseInspectionMounts();
    releaseGuestLoopDevices();
    removeEmptyMountPoints();
    deleteTemporaryFiles(imageDir);
    deleteTemporaryFiles(xenConfigDir);
  }

  /** A cp started by the dead app still writes into a part file nobody will link; it only costs space and I/O. */
  private void stopOrphanedCopies() {
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle.allProcesses()
        .filter(process -> process.pid() != self.pid())
        .filter(process -> process.info().command().map(command -> command.endsWith("/cp")).orElse(false))
        .filter(process -> process.info().arguments().map(this::isOurCopy).orElse(false))
        .forEach(process -> {
          LOG.warn("Stopping image copy pid {} left running by a previous run: {}", process.pid(),
              process.info().commandLine().orElse("cp"));
          process.destroyForcibly();
        });
  }

  private boolean isOurCopy(String[] arguments) {
    if (arguments.length < 2 || !List.of(arguments).contains("--sparse=always")) {
      return false;
    }
    Path target = Path.of(arguments[arguments.length - 1]).toAbsolutePath().normalize();
    return imageDir.equals(target.getParent()) && OwnedFiles.isTemporary(target.getFileName().toString());
  }

  /** Their loop devices are auto-clearing: the unmount detaches them. */
  private void releaseInspectionMounts() {
    Path dir = MountTable.real(mountDir);
    for (MountTable.Entry entry : MountTable.read(runner, timeout).entries()) {
      Path point = entry.mountPoint();
      if (dir.equals(point.getParent()) && point.getFileName().toString().startsWith(ReadOnlyMount.MOUNT_POINT_PREFIX)) {
        LOG.warn("Unmounting {} ({}), a base image partition a previous run was looking into", point, entry.source());
        runLogged(Command.of(timeout, "umount", point.toString()));
      }
    }
  }

  /**
   * Unmounts and detaches the loop devices backed by guest images in the image directory. A mount is
   * only ever unmounted where such a device is its source and the topmost mount, so whatever else is
   * mounted under the mount directory (or stacked over a guest's mount) is left as it is.
   */
  private void releaseGuestLoopDevices() {
    MountTable mounts = MountTable.read(runner, timeout);
    for (LoopDevices.Device device : LoopDevices.list(runner, timeout)) {
      boolean deleted = device.backingFile().endsWith(DELETED);
      Path file = Path.of(deleted ? device.backingFile().substring(0, device.backingFile().length() - DELETED.length())
          : device.backingFile());
      if (!imageDir.equals(file.getParent()) || !isGuestImage(file, deleted)) {
        continue;
      }
      boolean stillMounted = false;
      for (Path point : mounts.mountPointsOf(device.name())) {
        if (device.name().equals(mounts.sourceOf(point))) {
          LOG.warn("Unmounting {} ({} of {}), left mounted by a previous run", point, device.name(), file);
          runLogged(Command.of(timeout, "umount", point.toString()));
        } else {
          LOG.warn("Leaving {} attached to {}: something else is mounted over it at {}", device.name(), file, point);
          stillMounted = true;
        }
      }
      if (!stillMounted) {
        LOG.warn("Detaching {} from {}, left attached by a previous run", device.name(), file);
        runLogged(Command.of(timeout, "losetup", "--detach", device.name()));
      }
    }
  }

  /** A failure here must not keep the app down: the guest's own step or undo retries and raises an incident. */
  private void runLogged(Command command) {
    try {
      runner.run(command);
    } catch (HostOperationException e) {
      LOG.error("Could not release what a previous run left: {}", e.getMessage());
    }
  }

  /** Ours when it carries a batch's mark; a deleted file cannot be asked, so its name must be a guest image's. */
  private static boolean isGuestImage(Path file, boolean deleted) {
    String name = file.getFileName().toString();
    if (deleted) {
      return name.endsWith(".img") || OwnedFiles.isTemporary(name);
    }
    return Ownership.hasMark(file);
  }

  private void removeEmptyMountPoints() {
    if (!Files.isDirectory(mountDir)) {
      return;
    }
    for (Path entry : list(mountDir)) {
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.deleteIfExists(entry);
        } catch (IOException e) {
          // not empty: not a mount point of ours
        }
      }
    }
  }

  private static void deleteTemporaryFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (Path entry : list(dir)) {
      if (OwnedFiles.isTemporary(entry.getFileName().toString()) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        LOG.warn("Deleting {}, left by an interrupted step", entry);
        try {
          Files.deleteIfExists(entry);
        } catch (IOException e) {
          throw new HostOperationException("cannot delete leftover temporary file " + entry + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      throw new HostOperationException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return entries;
  }
}
