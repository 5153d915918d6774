package org.xenprovisioner.host.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.TestSettings;

/** What step 6 reports it wrote: what it rendered, and after a crash what its earlier run put on disk. */
class DomainConfigWriterTests {

  private static final Path TEMPLATES = Path.of("config/templates");
  private static final String OWNER = "batch 20261127-101500-0a1b, guest web01";
  private static final Guest GUEST = new Guest(2, "web01", "192.0.2.10", "00:16:3e:12:34:56", "255.255.255.0", "192.0.2.1", 1024, 2);

  private static DomainConfigWriter writer(String bridge) {
    return new DomainConfigWriter(new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge(bridge).build()));
  }

  @Test
  void anEarlierRunsConfigIsReportedAsItIsOnDiskNotAsTheTemplatesWouldRenderItNow(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("web01.cfg");
    Path image = dir.resolve("web01.img");
    GuestFile wrote = writer("xenbr7").write(config, GUEST, image, OWNER);

    // the bridge changed before the step ran again
    DomainConfigWriter now = writer("xenbr9");

    assertThat(now.written(config)).isEqualTo(wrote);
    assertThat(now.plan(config, GUEST, image, OWNER).content()).contains("xenbr9").isNotEqualTo(wrote.content());
    assertThat(wrote.content()).contains("xenbr7");
  }
}
