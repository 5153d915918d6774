package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

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
}
