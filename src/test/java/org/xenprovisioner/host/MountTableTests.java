package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTests {

  private static final List<String> MOUNTINFO = List.of(
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
      "25 22 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
      "61 22 7:0 / /run/xen-provisioner/web01 rw,relatime shared:30 - ext4 /dev/loop0 rw",
      "62 22 7:1 / /run/xen-provisioner/my\\040guest rw,relatime - xfs /dev/loop1 rw,attr2",
      "63 22 7:2 / /mnt/tab\\011and\\134backslash rw,relatime shared:31 master:2 - ext3 /dev/loop2 rw",
      "64 22 7:3 / /mnt/second rw,relatime - ext4 /dev/loop0 rw",
      "garbage line");

  @Test
  void parsesMountPointsAndSources() {
    MountTable table = MountTable.parse(MOUNTINFO);

    assertThat(table.entries()).hasSize(6);
    assertThat(table.entries().get(0)).isEqualTo(new MountTable.Entry("/dev/sda1", Path.of("/")));
    assertThat(table.entries().get(2)).isEqualTo(new MountTable.Entry("/dev/loop0", Path.of("/run/xen-provisioner/web01")));
  }

  @Test
  void unescapesOctalSpaceInMountPoint() {
    MountTable table = MountTable.parse(MOUNTINFO);

    assertThat(table.mountPointsOf("/dev/loop1")).containsExactly(Path.of("/run/xen-provisioner/my guest"));
  }

  @Test
  void unescapesTabAndBackslashAndReadsSourceAfterSeveralOptionalFields() {
    MountTable table = MountTable.parse(MOUNTINFO);

    assertThat(table.mountPointsOf("/dev/loop2")).containsExactly(Path.of("/mnt/tab\tand\\backslash"));
  }

  @Test
  void listsEveryMountPointOfOneSource() {
    MountTable table = MountTable.parse(MOUNTINFO);

    assertThat(table.mountPointsOf("/dev/loop0"))
        .containsExactly(Path.of("/run/xen-provisioner/web01"), Path.of("/mnt/second"));
    assertThat(table.mountPointsOf("/dev/loop9")).isEmpty();
  }

  @Test
  void unescapesSpaceAtEndOfMountPoint() {
    MountTable table = MountTable.parse(List.of("70 22 7:4 / /mnt/end\\040 rw - ext4 /dev/loop4 rw"));

    assertThat(table.mountPointsOf("/dev/loop4")).containsExactly(Path.of("/mnt/end "));
  }

  @Test
  void recognisesMountPointWithSpaceFromTheTable() {
    MountTable table = MountTable.parse(MOUNTINFO);

    assertThat(table.isMountPoint(Path.of("/run/xen-provisioner/my guest"))).isTrue();
    assertThat(table.isMountPoint(Path.of("/run/xen-provisioner/my\\040guest"))).isFalse();
    assertThat(table.isMountPoint(Path.of("/run/xen-provisioner/other"))).isFalse();
  }

  @Test
  void readsTheKernelTableWithRootMounted() {
    assertThat(MountTable.read().isMountPoint(Path.of("/"))).isTrue();
  }
}
