package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;

/** What the start-up clean-up releases after a crash, and what it leaves alone, on real loop devices. */
class StartupReconcilerTests {

  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-reconcile-");
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  @Test
  void releasesTheMountsAndLoopDevicesOfGuestImagesAndNothingElseUnderTheMountDirectory() throws IOException {
    Path base = TestImages.rhelBase(Files.createDirectories(dir.resolve("base")));
    ProvisionerProperties properties = LoopMounterTests.properties(dir, null, base);
    LocalHostOperations host = LocalHostOperationsTests.host(properties);
    HostLayout layout = HostLayout.of(properties);
    GuestFiles guest = layout.filesOf("web01");
    host.copyBaseImage(guest, BaseImageFingerprint.of(base), "batch b, guest web01");
    host.mountImage(guest);
    Path foreign = Files.createDirectories(layout.mountDir().resolve("operator-scratch"));
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "scratch", foreign.toString());
    try {
      new StartupReconciler(new CommandRunner(), properties).reconcile();

      assertThat(MountTable.read().isMountPoint(guest.mountPoint())).isFalse();
      assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
      assertThat(guest.mountPoint()).doesNotExist();
      assertThat(MountTable.read().sourceOf(foreign)).as("not the guest's: left mounted").isEqualTo("scratch");
    } finally {
      RealHost.run("umount", foreign.toString());
    }
  }
}
