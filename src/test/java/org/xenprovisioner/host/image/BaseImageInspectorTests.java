package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.testing.BaseImageLayout;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;
import org.xenprovisioner.testing.XfsImages;

/** Real images built with mkfs.ext4 -d, sfdisk and pvcreate, inspected without attaching them. */
class BaseImageInspectorTests {

  private static Path dir;
  private static Path rootFs;

  @BeforeAll
  static void buildImages() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-inspect-");
    rootFs = TestImages.ext4(dir.resolve("root.fs"), TestImages.debianTree(dir, false, 1024 * 1024), 32L << 20);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  private static BaseImageInspector inspector(Integer rootPartition) {
    return new BaseImageInspector(new CommandRunner(), TestSettings.in(dir).rootPartition(rootPartition).build());
  }

  @Test
  void findsTheRootPartitionHoldingEtcOnAGptDisk() throws IOException {
    Path disk = TestImages.partitionedDisk(dir, "gpt", rootFs);

    RootFileSystem root = inspector(null).inspect(disk);

    assertThat(root.partition()).as("partition 1 is an ext4 /boot without /etc").isEqualTo(2);
    assertThat(root.offset()).isEqualTo(17L << 20);
    assertThat(root.sizeLimit()).isEqualTo(Files.size(rootFs));
    assertThat(root.type()).isEqualTo("ext4");
  }

  @Test
  void findsTheRootPartitionHoldingEtcOnAnMbrDisk() throws IOException {
    Path disk = TestImages.partitionedDisk(dir, "dos", rootFs);

    RootFileSystem root = inspector(null).inspect(disk);

    assertThat(root.partition()).isEqualTo(2);
    assertThat(root.offset()).isEqualTo(17L << 20);
  }

  @Test
  void takesTheConfiguredRootPartition() throws IOException {
    Path disk = TestImages.partitionedDisk(dir, "gpt", rootFs);

    RootFileSystem root = inspector(1).inspect(disk);

    assertThat(root.partition()).isEqualTo(1);
    assertThat(root.offset()).isEqualTo(1L << 20);
    assertThat(root.sizeLimit()).isEqualTo(16L << 20);
  }

  @Test
  void refusesAConfiguredPartitionThatDoesNotExist() throws IOException {
    Path disk = TestImages.partitionedDisk(dir, "gpt", rootFs);

    assertThatThrownBy(() -> inspector(5).inspect(disk)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining("no partition 5").hasMessageContaining("provisioner.root-partition");
  }

  @Test
  void takesABareFileSystemImageWhole() {
    RootFileSystem root = inspector(null).inspect(rootFs);

    assertThat(root.isPartition()).isFalse();
    assertThat(root.offset()).isZero();
  }

  @Test
  void refusesLvmOnTheWholeDiskSayingWhy() throws IOException {
    Path disk = TestImages.lvmDisk(dir, false);

    assertThatThrownBy(() -> inspector(null).inspect(disk)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining(disk.toString())
        .hasMessageContaining("LVM2_member on the whole disk")
        .hasMessageContaining("LVM inside the image is not supported, because");
  }

  @Test
  void refusesLvmOnAPartitionEvenWhenAnotherPartitionIsChosen() throws IOException {
    Path disk = TestImages.lvmDisk(dir, true);

    assertThatThrownBy(() -> inspector(1).inspect(disk)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining("LVM2_member on partition 2")
        .hasMessageContaining("LVM inside the image is not supported");
  }

  @Test
  void refusesAnImageWithoutFileSystemOrPartitionTable() throws IOException {
    Path empty = dir.resolve("empty.img");
    RealHost.run("truncate", "-s", "8M", empty.toString());

    assertThatThrownBy(() -> inspector(null).inspect(empty)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining(empty.toString()).hasMessageContaining("blkid recognises nothing");
  }

  @ParameterizedTest
  @EnumSource(BaseImageLayout.class)
  void findsTheRootOfEachLayoutOperatorsHaveWithoutWritingToTheImage(BaseImageLayout layout) throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path image = layout.build(dir.resolve(layout.name()));
    String before = BaseImageFingerprint.of(image);

    RootFileSystem root = inspector(null).inspect(image);

    assertThat(root.partition()).as("%s", root).isEqualTo(layout.rootPartition());
    assertThat(root.type()).isEqualTo(layout.rootType());
    assertThat(BaseImageFingerprint.of(image)).as("image unchanged").isEqualTo(before);
    assertThat(RealHost.loopDevicesUnder(dir)).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(dir)).as("mounts left").isEmpty();
    assertThat(dir.resolve("mnt")).as("no mount point left").satisfiesAnyOf(
        mnt -> assertThat(mnt).doesNotExist(), mnt -> assertThat(mnt).isEmptyDirectory());
  }

  @Test
  void namesEachPartitionAndWhatItHoldsWhenNoneHoldsEtc() throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path image = BaseImageLayout.RHEL9_CLOUD.build(dir.resolve("no-root"));
    // partition 4 (the root) zeroed: BIOS boot, EFI and an XFS /boot are left
    RealHost.run("dd", "if=/dev/zero", "of=" + image, "bs=1M", "seek=318", "count=1", "conv=notrunc", "status=none");

    assertThatThrownBy(() -> inspector(null).inspect(image)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining("1 (nothing recognised), 2 vfat, 3 xfs, 4 (nothing recognised)")
        .hasMessageContaining("no ext2/3/4 or xfs partitions holding /etc")
        .hasMessageContaining("provisioner.root-partition");
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
  }

  @Test
  void findsAnXfsRootWhileCopiesOfItAreMountedByGuests() throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path image = BaseImageLayout.CENTOS7.build(dir.resolve("busy"));
    RootFileSystem root = inspector(null).inspect(image);
    Path copy = dir.resolve("busy/guest.img");
    RealHost.run("cp", "--sparse=always", image.toString(), copy.toString());
    LoopMounter mounter = new LoopMounter(new CommandRunner(), TestSettings.in(dir).build());
    mounter.mount(copy, dir.resolve("mnt/guest"), root);
    try {
      assertThat(inspector(null).inspect(image)).as("same UUID as the mounted copy").isEqualTo(root);
    } finally {
      mounter.unmount(copy, dir.resolve("mnt/guest"));
    }
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
  }

  @Test
  void refusesAQcow2ImageWhateverItsNameAndSaysHowToConvertIt() throws IOException {
    RealHost.assumeTools("qemu-img (package qemu-utils)");
    Path qcow2 = dir.resolve("noble-server-cloudimg-amd64.img");
    RealHost.run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", rootFs.toString(), qcow2.toString());

    assertThatThrownBy(() -> inspector(null).inspect(qcow2)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining("image " + qcow2 + " is a qcow2 image")
        .hasMessageContaining("qemu-img convert -f qcow2 -O raw " + qcow2 + " " + dir.resolve("noble-server-cloudimg-amd64.raw"))
        .hasMessageContaining("set provisioner.base-image to the raw file");
  }

  @Test
  void takesTheRawImageTheRefusalSaysToMake() throws IOException {
    RealHost.assumeTools("qemu-img (package qemu-utils)");
    Path qcow2 = dir.resolve("converted.qcow2");
    RealHost.run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", rootFs.toString(), qcow2.toString());
    Path raw = ImageFormat.rawName(qcow2);
    RealHost.run("qemu-img", "convert", "-O", "raw", qcow2.toString(), raw.toString());

    assertThat(inspector(null).inspect(raw).type()).isEqualTo("ext4");
    assertThat(RealHost.allocatedBytes(raw)).as("sparse").isLessThan(Files.size(raw));
  }

  @Test
  void refusesAnUnreadableXfsRootSayingWhy() throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path tree = Files.createDirectories(dir.resolve("xfs-tree/etc"));
    Path fs = XfsImages.xfs(dir.resolve("broken.fs"), tree.getParent(), XfsImages.MIN_BYTES);
    // the root inode zeroed: blkid still finds an XFS superblock, the kernel refuses to mount it
    String rootInode = RealHost.run("xfs_db", "-r", "-c", "sb 0", "-c", "p rootino", fs.toString()).replaceAll("\\D", "");
    String sector = RealHost.run("xfs_db", "-r", "-c", "inode " + rootInode, "-c", "daddr", fs.toString()).replaceAll("\\D", "");
    RealHost.run("dd", "if=/dev/zero", "of=" + fs, "bs=512", "seek=" + sector, "count=1", "conv=notrunc", "status=none");
    Path disk = TestImages.partitionedDisk(dir, "dos", fs);

    assertThatThrownBy(() -> inspector(null).inspect(disk)).isInstanceOf(HostOperationException.class)
        .hasMessageContaining("2 xfs (unreadable: mount -t xfs")
        .hasMessageContaining("no ext2/3/4 or xfs partitions holding /etc");
    assertThat(RealHost.loopDevicesUnder(dir)).as("the failed mount's loop device is gone too").isEmpty();
  }
}
