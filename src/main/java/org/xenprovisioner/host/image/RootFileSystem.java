package org.xenprovisioner.host.image;

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

  public boolean isPartition() {
    return partition > 0;
  }

  @Override
  public String toString() {
    return isPartition()
        ? type + " on partition " + partition + " (offset " + offset + ", " + sizeLimit + " bytes)"
        : type + " on the whole image";
  }
}
