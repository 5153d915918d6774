package org.xenprovisioner.host;

import java.nio.file.Path;
import org.xenprovisioner.intake.Guest;

/**
 * What the six steps and their undo handlers do to the Dom0. Every step and every undo is
 * idempotent and safe in any order: the engine may run one again (a retry after a crash or a lost
 * commit) or undo out of order (compensation order within one millisecond is arbitrary). The
 * {@code owner} names the batch and guest; files are marked with it, so a step recognises its own
 * work and an undo deletes nothing it did not create.
 */
public interface HostOperations {

  /** Step 1: refuses a guest whose image or domain config appeared since the batch was submitted. */
  void checkGuestIsNew(Path image, Path domainConfig, String owner);

  /**
   * Before step 2: refuses a base image that was removed or changed since the batch was submitted
   * ({@link BaseImageFingerprint}). Passes when the guest's own image already exists (a re-run
   * after a crash), so a finished copy is never refused afterwards.
   */
  void checkBaseImage(Path baseImage, String fingerprint, Path image, String owner);

  /** Step 2: a sparse copy of the base image, created atomically; an existing image is never overwritten. */
  default void copyBaseImage(Path baseImage, Path image, String owner) {
    copyBaseImage(baseImage, image, owner, CopyProgress.NONE);
  }

  /**
   * Step 2, reporting bytes copied and bytes to copy from a thread of its own while it runs.
   * Refuses a base image that holds LVM, and a copy whose data does not fit in the image directory.
   */
  void copyBaseImage(Path baseImage, Path image, String owner, CopyProgress progress);

  /** Undo of step 2: releases whatever still attaches the image, then deletes it. */
  void deleteImage(Path image, Path mountPoint, String owner);

  /**
   * Step 3: attaches the image's root file system (the whole image, or its root partition by
   * offset) to a loop device and mounts it; returns the loop device.
   */
  String mountImage(Path image, Path mountPoint);

  /** Step 4: renders the guest-specific files into the mounted file system. */
  void writeGuestFiles(Path mountPoint, Guest guest, Path image);

  /** Step 5 and undo of step 3: unmounts the mount point and detaches every loop device backed by the image. */
  void releaseImage(Path image, Path mountPoint);

  /** Step 6: the xl domain config, created atomically; an existing one is never overwritten. */
  void writeDomainConfig(Path domainConfig, Guest guest, Path image, String owner);

  /** Undo of step 6. */
  void deleteDomainConfig(Path domainConfig, String owner);
}
