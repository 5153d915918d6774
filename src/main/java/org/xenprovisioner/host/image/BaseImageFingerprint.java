package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * What identifies the base image a batch was approved with: file identity (device and inode),
 * size, modification and change time. Cheap on a multi-GiB image, unlike a checksum, and any
 * replacement (mv, cp over it, an edit in place, even one that restores the modification time)
 * changes at least one of them.
 */
public final class BaseImageFingerprint {

  private BaseImageFingerprint() {
  }

  /** The fingerprint of the base image as it is now. */
  public static String of(Path baseImage) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(baseImage, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new HostOperationException("base image " + baseImage + " is not a regular file");
      }
      FileTime changed = (FileTime) Files.getAttribute(baseImage, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      return "file=" + attributes.fileKey() + " size=" + attributes.size()
          + " mtime=" + attributes.lastModifiedTime().toInstant() + " ctime=" + changed.toInstant();
    } catch (IOException e) {
      throw new HostOperationException("base image " + baseImage + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Refuses a base image that is gone or is no longer the one the fingerprint was taken of. */
  public static void check(Path baseImage, String expected) {
    if (!Files.exists(baseImage, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("base image " + baseImage + " was removed after the batch was submitted");
    }
    String now = of(baseImage);
    if (!now.equals(expected)) {
      throw new HostOperationException("base image " + baseImage + " changed after the batch was submitted (then "
          + expected + ", now " + now + "); submit the batch again to use the new base image");
    }
  }
}
