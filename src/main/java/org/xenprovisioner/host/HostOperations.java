package org.xenprovisioner.host;

import java.util.List;
import org.xenprovisioner.host.files.GuestFile;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.host.image.CopyProgress;
import org.xenprovisioner.intake.Guest;

/**
 * What the six steps and their undo handlers do to the Dom0. Every step and every undo is
 * idempotent and safe in any order: the engine may run one again (a retry after a crash or a lost
 * commit) or undo out of order (compensation order within one millisecond is arbitrary). The
 * {@code owner} names the batch and guest; files are marked with it, so a step recognises its own
 * work and an undo deletes nothing it did not create. Paths come from {@link HostLayout} and the base
 * image from this node's configuration, never from the caller's data.
 */
public interface HostOperations {

  /** Step 1: refuses a guest whose image or domain config appeared since the batch was submitted. */
  void checkGuestIsNew(GuestPaths paths, String owner);

  /** Step 2: a sparse copy of the configured base image, created atomically; an existing image is never overwritten. */
  default void copyBaseImage(GuestPaths paths, String baseImageFingerprint, String owner) {
    copyBaseImage(paths, baseImageFingerprint, owner, CopyProgress.NONE);
  }

  /**
   * Step 2, reporting bytes copied and bytes to copy from a thread of its own while it runs.
   * Refuses a base image that was removed or changed since the batch was submitted (its
   * {@link BaseImageFingerprint} differs), one that holds LVM, and a copy whose data does not fit in
   * the image directory. Passes when the guest's own image already exists (a re-run after a crash).
   */
  void copyBaseImage(GuestPaths paths, String baseImageFingerprint, String owner, CopyProgress progress);

  /** Undo of step 2: releases whatever of this guest still attaches the image, then deletes it. */
  void deleteImage(GuestPaths paths, String owner);

  /**
   * Step 3: attaches the image's root file system (the whole image, or its root partition by
   * offset) to a loop device and mounts it at the guest's mount point; returns the loop device.
   */
  String mountImage(GuestPaths paths);

  /** Step 4: renders the guest-specific files into the mounted file system; returns what it wrote and removed. */
  List<GuestFile> writeGuestConfig(GuestPaths paths, Guest guest);

  /**
   * Step 5: unmounts the guest's own loop mount (a loop device backed by the guest's marked image)
   * and detaches every loop device backed by the image. Anything else mounted at the guest's mount
   * point fails the step and is left as it is.
   */
  void unmountImage(GuestPaths paths, String owner);

  /**
   * Undo of step 3: as {@link #unmountImage}, but anything else mounted at the mount point is only
   * reported and left alone, so the guest's rollback goes on.
   */
  void undoMount(GuestPaths paths, String owner);

  /** Step 6: the xl domain config, created atomically; an existing one is never overwritten. Returns it as written. */
  GuestFile writeDomainConfig(GuestPaths paths, Guest guest, String owner);

  /** Undo of step 6. */
  void deleteDomainConfig(GuestPaths paths, String owner);
}
