package org.xenprovisioner.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.image.BaseImageInspector;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/** What a node says of its own base image, on real images: usable with its identity, or why not. */
class ThisDom0Tests {

  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-dom0-");
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  private static ThisDom0 dom0(ProvisionerProperties properties) {
    return new ThisDom0(properties, HostLayout.of(properties), new BaseImageInspector(new CommandRunner(), properties));
  }

  @Test
  void aUsableBaseImageIsReportedWithItsFingerprint() throws IOException {
    Path base = TestImages.rhelBase(dir);
    ThisDom0.BaseImageStatus status = dom0(TestSettings.in(dir).baseImage(base).build()).baseImage();
    assertThat(status.usable()).isTrue();
    assertThat(status.fingerprint()).startsWith("file=").contains("size=");
  }

  @Test
  void aBaseImageHoldingLvmIsReportedUnusableWithTheReason() throws IOException {
    Path base = TestImages.lvmDisk(dir, true);
    ThisDom0.BaseImageStatus status = dom0(TestSettings.in(dir).baseImage(base).build()).baseImage();
    assertThat(status.usable()).isFalse();
    assertThat(status.problem()).startsWith("provisioner.base-image: image " + base)
        .contains("LVM2_member on partition 2", "LVM inside the image is not supported, because");
  }

  @Test
  void aMissingOrUnsetBaseImageIsReportedUnusable() {
    assertThat(dom0(TestSettings.in(dir).baseImage(dir.resolve("gone.img")).build()).baseImage().problem())
        .contains("gone.img does not exist");
    assertThat(dom0(TestSettings.in(dir).baseImage(null).build()).baseImage().problem())
        .startsWith("provisioner.base-image is not set");
  }
}
