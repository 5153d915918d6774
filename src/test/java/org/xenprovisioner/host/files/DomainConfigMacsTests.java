package org.xenprovisioner.host.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainConfigMacsTests {

  @Test
  void readsEveryMacOfTheVifListsOverSeveralLinesButNotFromComments() {
    String config = """
        name = "web01"
        # vif = [ 'mac=00:16:3e:99:99:99' ]
        vif = [ 'mac=00:16:3E:01:02:03, bridge=xenbr0',
                'bridge=xenbr1,mac=00-16-3e-0a-0b-0c' ]
        disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/xen/mac=00:11:22:33:44:55.img' ]
        """;

    assertThat(DomainConfigMacs.inConfig(config)).containsExactlyInAnyOrder("00:16:3e:01:02:03", "00:16:3e:0a:0b:0c");
  }

  @Test
  void readsTheCfgFilesOfTheDirectoryOnly(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.cfg"), "vif = [ 'mac=00:16:3e:00:00:01' ]\n");
    Files.writeString(dir.resolve("b.cfg"), "vif=['mac=00:16:3e:00:00:02,bridge=xenbr0']\n");
    Files.writeString(dir.resolve("c.cfg"), "vif=['mac=00:16:3e:00:00:02,bridge=xenbr1']\n");
    Files.writeString(dir.resolve("notes.txt"), "vif = [ 'mac=00:16:3e:00:00:03' ]\n");

    assertThat(DomainConfigMacs.in(dir)).containsOnly(entry("00:16:3e:00:00:01", dir.resolve("a.cfg")),
        entry("00:16:3e:00:00:02", dir.resolve("b.cfg")));
    assertThat(DomainConfigMacs.in(dir.resolve("missing"))).isEmpty();
  }
}
