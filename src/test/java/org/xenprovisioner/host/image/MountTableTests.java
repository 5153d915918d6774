package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.host.command.CommandRunner;

/** The mount table as findmnt prints it in JSON: names with spaces arrive as they are, stacked mounts in order. */
class MountTableTests {

  private static final String FINDMNT = """
      {
         "filesystems": [
            {"target": "/", "source": "/dev/vda"},
            {"target": "/mnt/guest one", "source": "/dev/loop3"},
            {"target": "/mnt/other", "source": "/dev/loop3"},
            {"target": "/mnt/guest one", "source": "foreign"},
            {"target": "/run/tab\\tname", "source": "tmpfs"}
         ]
      }
      """;

  @Test
  void readsMountPointsAndSourcesWithSpacesAndTabsAsTheyAre() {
    MountTable table = MountTable.parse(FINDMNT);
    assertThat(table.entries()).hasSize(5);
    assertThat(table.isMountPoint(Path.of("/mnt/guest one"))).isTrue();
    assertThat(table.sourceOf(Path.of("/run/tab\tname"))).isEqualTo("tmpfs");
    assertThat(table.isMountPoint(Path.of("/mnt/guest"))).isFalse();
  }

  @Test
  void theSourceOfAStackedMountPointIsTheTopmost() {
    assertThat(MountTable.parse(FINDMNT).sourceOf(Path.of("/mnt/guest one"))).isEqualTo("foreign");
  }

  @Test
  void listsEveryMountPointOfOneSource() {
    assertThat(MountTable.parse(FINDMNT).mountPointsOf("/dev/loop3"))
        .containsExactly(Path.of("/mnt/guest one"), Path.of("/mnt/other"));
  }

  @Test
  void readsThisMachinesTableWithRootMounted() {
    assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).isMountPoint(Path.of("/"))).isTrue();
  }
}
