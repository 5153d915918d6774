package org.xenprovisioner.host.image;

import java.util.List;

/**
 * Where a guest's root file system lies inside its image: the whole file (a bare file system
 * image), or one partition of a partitioned disk image, attached by offset and size limit.
 *
 * @param partition the partition number, or 0 for a bare file system image
 * @param offset bytes from the start of the image
 * @param sizeLimit bytes the file system may span, or 0 for up to the end of the image
 * @param type the file system type as blkid names it (ext4, xfs...)
 */
public record RootFileSystem(int partition, long offset, long sizeLimit, String type) {

  /** The type reaches {@code mount -t}: only the file systems a root is made of. */
  public RootFileSystem {
    if (!BaseImageInspector.MOUNTABLE.contains(type)) {
      throw new IllegalArgumentException("not a root file system type: " + type);
    }
  }

  public boolean isPartition() {
    return partition > 0;
  }

  /**
   * What mounting this file system read-write needs beside its base and its sibling guests. Every
   * copy keeps its base's file system UUID (the guest's fstab and boot loader name the root by it,
   * so it is never changed), and XFS refuses to mount a second file system with a UUID already
   * mounted: {@code nouuid} lets several guests of one XFS base be mounted at once. ext2/3/4 do not
   * mind shared UUIDs.
   */
  public List<String> mountOptions() {
    return "xfs".equals(type) ? List.of("nouuid") : List.of();
  }

  @Override
  public String toString() {
    return isPartition()
        ? type + " on partition " + partition + " (offset " + offset + ", " + sizeLimit + " bytes)"
        : type + " on the whole image";
  }
}
