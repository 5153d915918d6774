package org.xenprovisioner.host.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.GuestPaths;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.host.LocalHostOperations;
import org.xenprovisioner.host.LocalHostOperationsTests;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.testing.BaseImageLayout;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

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
    ProvisionerProperties properties = TestSettings.in(dir).baseImage(base).build();
    LocalHostOperations host = LocalHostOperationsTests.host(properties);
    HostLayout layout = HostLayout.of(properties);
    GuestPaths guest = layout.pathsOf("web01");
    host.copyBaseImage(guest, BaseImageFingerprint.of(base), "batch b, guest web01");
    host.mountImage(guest);
    Path foreign = Files.createDirectories(layout.mountDir().resolve("operator-scratch"));
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "scratch", foreign.toString());
    try {
      new StartupReconciler(new CommandRunner(), properties).reconcile();

      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).isMountPoint(guest.mountPoint())).isFalse();
      assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
      assertThat(guest.mountPoint()).doesNotExist();
      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).sourceOf(foreign)).as("not the guest's: left mounted").isEqualTo("scratch");
    } finally {
      RealHost.run("umount", foreign.toString());
    }
  }

  /** What a run killed while it looked into an XFS base ({@link EtcProbe}) leaves: a read-only mount, its loop device auto-clearing. */
  @Test
  void releasesAnInspectionMountOfABaseImageWithItsLoopDevice() throws IOException {
    BaseImageLayout.assumeToolsInstalled();
    Path base = BaseImageLayout.BARE_XFS.build(dir.resolve("base"));
    ProvisionerProperties properties = TestSettings.in(dir).baseImage(base).build();
    Path left = Files.createDirectories(properties.mountDir().resolve(ReadOnlyMount.MOUNT_POINT_PREFIX + "left-by-a-dead-run"));
    RealHost.run("mount", "-t", "xfs", "-o", "ro,loop,norecovery,nouuid", base.toString(), left.toString());
    assertThat(RealHost.loopDevicesUnder(dir)).hasSize(1);

    new StartupReconciler(new CommandRunner(), properties).reconcile();

    assertThat(RealHost.mountsUnder(dir)).isEmpty();
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(left).doesNotExist();
  }
}
