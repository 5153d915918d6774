package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.testing.BaseImageLayout;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/** Real loop devices and mounts on partitioned images; every device and mount is released, also on failure. */
public class LoopMounterTests {

  private Path dir;
  private Path disk;
  private Path base;
  private LoopMounter mounter;
  private BaseImageInspector inspector;

  @BeforeEach
  void buildImage() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-loop-");
    Path rootFs = TestImages.ext4(dir.resolve("root.fs"), TestImages.debianTree(dir, true, 1024 * 1024), 24L << 20);
    base = TestImages.partitionedDisk(dir, "gpt", rootFs);
    disk = dir.resolve("guest.img");
    RealHost.run("cp", "--sparse=always", base.toString(), disk.toString());
    mounter = new LoopMounter(new CommandRunner(), TestSettings.in(dir).build());
    inspector = new BaseImageInspector(new CommandRunner(), TestSettings.in(dir).build());
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  @Test
  void mountsTheRootPartitionByOffsetAndKeepsThePartitionTable() throws IOException {
    Path mountPoint = dir.resolve("mnt/guest");
    RootFileSystem root = inspector.inspect(disk);

    String device = mounter.mount(disk, mountPoint, root);
    try {
      assertThat(device).matches("/dev/loop[0-9]+");
      assertThat(mountPoint.resolve("etc/debian_version")).hasContent("12.8\n");
      String attached = RealHost.run("losetup", "--list", "--noheadings", "--raw", "--output", "OFFSET,SIZELIMIT", device);
      assertThat(attached.strip()).isEqualTo(root.offset() + " " + root.sizeLimit());
      Files.writeString(mountPoint.resolve("etc/hostname"), "guest\n");
    } finally {
      mounter.unmount(disk, mountPoint);
    }

    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(RealHost.mountsUnder(dir)).isEmpty();
    assertThat(TestImages.partitionTable(disk)).isEqualTo(TestImages.partitionTable(base));
    assertThat(RealHost.readInImage(Path.of(disk + "?offset=" + root.offset()), "/etc/hostname")).isEqualTo("guest\n");
    assertThat(RealHost.readInImage(Path.of(base + "?offset=" + root.offset()), "/etc/hostname")).isEqualTo("base\n");
  }

  @Test
  void attachesManyImagesAtTheSameMomentEachToItsOwnDevice() throws Exception {
    int guests = 8;
    List<Path> images = new ArrayList<>();
    for (int i = 0; i < guests; i++) {
      Path image = dir.resolve("guest" + i + ".img");
      RealHost.run("cp", "--sparse=always", base.toString(), image.toString());
      images.add(image);
    }
    RootFileSystem root = inspector.inspect(base);
    CyclicBarrier start = new CyclicBarrier(guests);
    ExecutorService pool = Executors.newFixedThreadPool(guests);
    try {
      List<Future<String>> attached = new ArrayList<>();
      for (int i = 0; i < guests; i++) {
        Path image = images.get(i);
        Path mountPoint = dir.resolve("mnt/guest" + i);
        attached.add(pool.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return mounter.mount(image, mountPoint, root);
        }));
      }
      List<String> devices = new ArrayList<>();
      for (Future<String> device : attached) {
        devices.add(device.get(2, TimeUnit.MINUTES));
      }

      assertThat(devices).doesNotHaveDuplicates().hasSize(guests);
      for (int i = 0; i < guests; i++) {
        assertThat(mounter.devicesBackedBy(images.get(i))).containsExactly(devices.get(i));
        assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).sourceOf(dir.resolve("mnt/guest" + i))).isEqualTo(devices.get(i));
        assertThat(dir.resolve("mnt/guest" + i + "/etc/debian_version")).exists();
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      for (int i = 0; i < guests; i++) {
        mounter.unmount(images.get(i), dir.resolve("mnt/guest" + i));
      }
    }
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(RealHost.mountsUnder(dir)).isEmpty();
  }

  /**
   * Clones share their base's XFS UUID (and keep it: the guest's fstab and boot loader name the root
   * by it); without {@code nouuid} the kernel refuses every clone but the first while it is mounted.
   */
  @Test
  void mountsSeveralCopiesOfOneXfsBaseAtOnceKeepingTheirUuid() throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path xfsBase = BaseImageLayout.RHEL9_CLOUD.build(dir.resolve("rhel9"));
    RootFileSystem root = inspector.inspect(xfsBase);
    String uuid = RealHost.fileSystemUuid(xfsBase, root);
    List<Path> images = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Path image = dir.resolve("xfs-guest" + i + ".img");
        RealHost.run("cp", "--sparse=always", xfsBase.toString(), image.toString());
        images.add(image);
        mounter.mount(image, dir.resolve("mnt/xfs-guest" + i), root);
        Files.writeString(dir.resolve("mnt/xfs-guest" + i + "/etc/hostname"), "xfs-guest" + i + "\n");
      }
      for (int i = 0; i < 3; i++) {
        assertThat(dir.resolve("mnt/xfs-guest" + i + "/etc/hostname")).hasContent("xfs-guest" + i);
      }
    } finally {
      for (int i = 0; i < images.size(); i++) {
        mounter.unmount(images.get(i), dir.resolve("mnt/xfs-guest" + i));
      }
    }
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(RealHost.mountsUnder(dir)).isEmpty();
    for (Path image : images) {
      assertThat(RealHost.fileSystemUuid(image, root)).as("file system UUID of %s", image).isEqualTo(uuid);
    }
  }
}
