package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/** Real copies: partition tables kept, holes kept, full disks refused up front, progress seen while copying. */
class SparseImageClonerTests {

  private static final long MIB = 1024 * 1024;

  private Path dir;
  private SparseImageCloner cloner;

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-clone-");
    cloner = new SparseImageCloner(new CommandRunner(), TestSettings.in(dir).build());
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  @Test
  void copiesAPartitionedDiskWithItsTableAndHoles() throws IOException {
    Path rootFs = TestImages.ext4(dir.resolve("root.fs"), TestImages.debianTree(dir, false, 4 * MIB), 64 * MIB);
    Path base = TestImages.partitionedDisk(dir, "dos", rootFs);
    Path image = dir.resolve("web01.img");

    cloner.copy(base, image, "batch b, guest web01");

    assertThat(Files.size(image)).isEqualTo(Files.size(base));
    assertThat(TestImages.partitionTable(image)).isEqualTo(TestImages.partitionTable(base)).contains("label: dos");
    assertThat(RealHost.allocatedBytes(image)).isLessThanOrEqualTo(RealHost.allocatedBytes(base) + MIB)
        .isLessThan(Files.size(image) / 4);
    assertThat(Ownership.isOwnedBy(image, "batch b, guest web01")).isTrue();
  }

  @Test
  void refusesACopyWhoseDataDoesNotFitBeforeWritingAnything() throws IOException {
    Path base = dir.resolve("base.img");
    TestImages.writeData(base, 24 * MIB);
    Path small = Files.createDirectories(dir.resolve("small"));
    Path smallFs = TestImages.ext4(dir.resolve("small.fs"), Files.createDirectories(dir.resolve("empty")), 16 * MIB);
    String device = RealHost.run("losetup", "--find", "--show", smallFs.toString()).strip();
    RealHost.run("mount", device, small.toString());
    long freeBefore = Files.getFileStore(small).getUsableSpace();
    Path image = small.resolve("web01.img");
    try {
      assertThatThrownBy(() -> cloner.copy(base, image, "batch b, guest web01"))
          .isInstanceOf(HostOperationException.class)
          .hasMessageContaining("not enough free space in " + small)
          .hasMessageContaining("base image " + base + " holds " + (24 * MIB) + " bytes of data");

      assertThat(image).doesNotExist();
      assertThat(OwnedFiles.temporaryFor(image, "batch b, guest web01")).doesNotExist();
      assertThat(Files.getFileStore(small).getUsableSpace()).as("nothing was written").isEqualTo(freeBefore);
    } finally {
      RealHost.run("umount", small.toString());
      RealHost.run("losetup", "--detach", device);
    }
  }

  @Test
  void reportsProgressWhileALargerCopyRuns() throws IOException {
    Path base = dir.resolve("big.img");
    TestImages.writeData(base, 1024 * MIB);
    RealHost.run("truncate", "-s", "4G", base.toString());
    long toCopy = RealHost.allocatedBytes(base);
    List<long[]> reports = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());

    cloner.copy(base, dir.resolve("big-copy.img"), "batch b, guest big", (done, total) -> {
      reports.add(new long[] {done, total});
      threads.add(Thread.currentThread().getName());
    });

    assertThat(reports).isNotEmpty();
    assertThat(reports).allSatisfy(report -> assertThat(report[1]).isEqualTo(toCopy));
    assertThat(reports.get(reports.size() - 1)[0]).as("the last report is the end of the copy").isEqualTo(toCopy);
    assertThat(reports).as("seen while the copy ran").anySatisfy(report -> assertThat(report[0]).isBetween(1L, toCopy - 1));
    assertThat(threads).as("never on the copying thread").doesNotContain(Thread.currentThread().getName());
  }
}
