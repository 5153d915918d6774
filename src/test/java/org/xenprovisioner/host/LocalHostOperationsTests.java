package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;

/** The steps on real images, as the delegates call them. */
class LocalHostOperationsTests {

  private Path dir;
  private LocalHostOperations host;

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-host-");
    ProvisionerProperties properties = LoopMounterTests.properties(dir, null);
    CommandRunner runner = new CommandRunner();
    TemplateRenderer templates = new TemplateRenderer(properties);
    host = new LocalHostOperations(new SparseImageCloner(runner, properties), new LoopMounter(runner, properties),
        new GuestFileWriter(templates, properties), new DomainConfigWriter(templates), new BaseImageInspector(runner, properties));
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  @Test
  void refusesABaseThatGainedLvmAtCopyTimeAndCreatesNoImage() throws IOException {
    Path base = TestImages.lvmDisk(dir, true);
    Path image = dir.resolve("web01.img");

    assertThatThrownBy(() -> host.copyBaseImage(base, image, "batch b, guest web01"))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("LVM inside the image is not supported");

    assertThat(image).doesNotExist();
    assertThat(SparseImageCloner.partFile(image, "batch b, guest web01")).doesNotExist();
  }
}
