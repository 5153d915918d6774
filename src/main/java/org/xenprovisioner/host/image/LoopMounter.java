package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandFailedException;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/** Attaches an image to a loop device and mounts it; releases both again, idempotently. */
@Component
public class LoopMounter {

  private static final int BUSY_ATTEMPTS = 6;
  private static final Duration BUSY_PAUSE = Duration.ofMillis(200);

  private final CommandRunner runner;
  private final Duration timeout;

  public LoopMounter(CommandRunner runner, ProvisionerProperties properties) {
    this.runner = runner;
    this.timeout = properties.commandTimeout();
  }

  /**
   * Runs again safely: an image already mounted at its mount point is left as it is, and a loop
   * device left attached without a mount (a crash between the two) is detached first.
   * {@code losetup --find --show} picks and attaches a free device in one call, so guests
   * attaching at the same moment cannot race for the same device. A root file system on a
   * partition is attached by offset and size limit, so no partition device node is needed.
   */
  public String mount(Path image, Path mountPoint, RootFileSystem root) {
    if (!Files.isRegularFile(image)) {
      throw new HostOperationException("image " + image + " does not exist");
    }
    try {
      Files.createDirectories(mountPoint);
    } catch (IOException e) {
      throw new HostOperationException("cannot create mount point " + mountPoint + ": " + e.getMessage(), e);
    }
    List<String> attached = devicesBackedBy(image);
    MountTable mounts = mounts();
    if (mounts.isMountPoint(mountPoint)) {
      String source = mounts.sourceOf(mountPoint);
      if (attached.contains(source)) {
        return source;
      }
      throw new HostOperationException("mount point " + mountPoint + " is already in use by " + source);
    }
    for (String stale : attached) {
      if (mounts.mountPointsOf(stale).isEmpty()) {
        runner.run(Command.of(timeout, "losetup", "--detach", stale));
      }
    }
    List<String> attach = new ArrayList<>(List.of("losetup", "--find", "--show"));
    if (root.isPartition()) {
      attach.addAll(List.of("--offset", Long.toString(root.offset()), "--sizelimit", Long.toString(root.sizeLimit())));
    }
    attach.addAll(List.of("--", image.toString()));
    String device = runner.run(new Command(attach, timeout)).stdout().strip();
    if (!device.matches("/dev/loop[0-9]+")) {
      detachQuietly(device);
      throw new HostOperationException("losetup attached " + image + " to an unexpected device '" + device + "'");
    }
    try {
      List<String> options = new ArrayList<>(List.of("rw", "nosuid", "nodev"));
      options.addAll(root.mountOptions());
      runner.run(Command.of(timeout, "mount", "-t", root.type(), "-o", String.join(",", options), device,
          mountPoint.toString()));
    } catch (HostOperationException e) {
      detachQuietly(device);
      removeDirectory(mountPoint);
      throw new HostOperationException("the file system in " + image + " cannot be mounted: " + e.getMessage(), e);
    }
    return device;
  }

  /**
   * Releases what this image has attached: unmounts its loop devices wherever they are mounted (only
   * where such a device is the topmost mount, so nothing stacked over it is touched), detaches them,
   * and removes the mount point when it is an empty directory. Whatever else is mounted at the mount
   * point is left as it is and returned, so the caller decides whether that fails the guest.
   *
   * @return the source of a foreign mount at the mount point, or empty
   */
  public Optional<String> unmount(Path image, Path mountPoint) {
    MountTable mounts = mounts();
    List<String> own = devicesBackedBy(image);
    Optional<String> foreign = Optional.ofNullable(mounts.sourceOf(mountPoint)).filter(source -> !own.contains(source));
    for (String device : own) {
      boolean stillMounted = false;
      for (Path point : mounts.mountPointsOf(device)) {
        if (device.equals(mounts.sourceOf(point))) {
          unmountPoint(point);
        } else {
          stillMounted = true;
        }
      }
      if (!stillMounted) {
        runner.run(Command.of(timeout, "losetup", "--detach", device));
      }
    }
    if (foreign.isEmpty()) {
      removeDirectory(mountPoint);
    }
    return foreign;
  }

  /**
   * Unmounts one mount point. "target is busy" is retried for a few seconds: something that looks at
   * a new file system for a moment (udev's blkid, an indexer, a backup walking the tree) must not
   * fail a guest; a mount still busy after that is.
   */
  private void unmountPoint(Path point) {
    for (int attempt = 1; ; attempt++) {
      try {
        runner.run(Command.of(timeout, "umount", point.toString()));
        return;
      } catch (CommandFailedException e) {
        if (attempt == BUSY_ATTEMPTS || !e.stderr().contains("target is busy")) {
          throw e;
        }
      }
      try {
        Thread.sleep(BUSY_PAUSE.toMillis() * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HostOperationException("interrupted while waiting to unmount " + point, e);
      }
    }
  }

  /** For a mount point whose image is not (or no longer) the guest's: what is mounted there, if anything; an empty directory is removed. */
  public Optional<String> foreignMountAt(Path mountPoint) {
    Optional<String> mounted = Optional.ofNullable(mounts().sourceOf(mountPoint));
    if (mounted.isEmpty()) {
      removeDirectory(mountPoint);
    }
    return mounted;
  }

  /** Loop devices whose backing file is the image (by device and inode, so a renamed file still matches). */
  public List<String> devicesBackedBy(Path image) {
    if (!Files.exists(image)) {
      return List.of();
    }
    return LoopDevices.backedBy(runner, timeout, image).stream().map(LoopDevices.Device::name).toList();
  }

  /** Whether anything is mounted at the path. */
  public boolean isMountPoint(Path path) {
    return mounts().isMountPoint(path);
  }

  private MountTable mounts() {
    return MountTable.read(runner, timeout);
  }

  private void detachQuietly(String device) {
    if (device.matches("/dev/loop[0-9]+")) {
      runner.runAllowingFailure(Command.of(timeout, "losetup", "--detach", device));
    }
  }

  /** Removes the mount point only when it is an empty directory: a file in its place is not ours. */
  private static void removeDirectory(Path mountPoint) {
    if (!Files.isDirectory(mountPoint, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.deleteIfExists(mountPoint);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // not ours to empty: something else lives there
    } catch (IOException e) {
      throw new HostOperationException("cannot remove mount point " + mountPoint + ": " + e.getMessage(), e);
    }
  }
}
