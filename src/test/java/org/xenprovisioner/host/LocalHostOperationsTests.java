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

  /** The real host operations on the given settings, as the application wires them. */
  static LocalHostOperations host(ProvisionerProperties properties) {
    CommandRunner runner = new CommandRunner();
    TemplateRenderer templates = new TemplateRenderer(properties);
    return new LocalHostOperations(new SparseImageCloner(runner, properties), new LoopMounter(runner, properties),
        new GuestFileWriter(templates, properties), new DomainConfigWriter(templates),
        new BaseImageInspector(runner, properties), properties);
  }

  @BeforeEach
  void setUp() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    dir = Files.createTempDirectory("xenprov-host-");
  }

  @AfterEach
  void cleanUp() throws IOException {
    RealHost.cleanUp(dir);
  }

  @Test
  void refusesABaseThatGainedLvmAtCopyTimeAndCreatesNoImage() throws IOException {
    Path base = TestImages.lvmDisk(dir, true);
    LocalHostOperations host = host(LoopMounterTests.properties(dir, null, base));
    GuestFiles files = HostLayout.of(dir, dir, dir.resolve("mnt")).filesOf("web01");
    Path image = files.image();

    assertThatThrownBy(() -> host.copyBaseImage(files, BaseImageFingerprint.of(base), "batch b, guest web01"))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("LVM inside the image is not supported");

    assertThat(image).doesNotExist();
    assertThat(SparseImageCloner.partFile(image, "batch b, guest web01")).doesNotExist();
  }

  @Test
  void aMountStepThatFindsAForeignMountFailsAndTheRollbackLeavesThatMountAlone() throws IOException {
    Path base = TestImages.rhelBase(Files.createDirectories(dir.resolve("base")));
    LocalHostOperations host = host(LoopMounterTests.properties(dir, null, base));
    GuestFiles files = HostLayout.of(dir, dir, dir.resolve("mnt")).filesOf("web01");
    String owner = "batch b, guest web01";
    host.copyBaseImage(files, BaseImageFingerprint.of(base), owner);
    Files.createDirectories(files.mountPoint());
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "foreign", files.mountPoint().toString());
    try {
      assertThatThrownBy(() -> host.mountImage(files)).isInstanceOf(HostOperationException.class)
          .hasMessageContaining("already in use by foreign");

      host.deleteImage(files, owner);

      assertThat(files.image()).doesNotExist();
      assertThat(MountTable.read().sourceOf(files.mountPoint())).as("the foreign mount stays").isEqualTo("foreign");
      assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    } finally {
      RealHost.run("umount", files.mountPoint().toString());
    }
  }

  @Test
  void releasingUnmountsOnlyTheGuestsOwnLoopMountNeverWhatIsMountedOverIt() throws IOException {
    Path base = TestImages.rhelBase(Files.createDirectories(dir.resolve("base")));
    LocalHostOperations host = host(LoopMounterTests.properties(dir, null, base));
    GuestFiles files = HostLayout.of(dir, dir, dir.resolve("mnt")).filesOf("web01");
    String owner = "batch b, guest web01";
    host.copyBaseImage(files, BaseImageFingerprint.of(base), owner);
    String device = host.mountImage(files);
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "stacked", files.mountPoint().toString());
    try {
      assertThatThrownBy(() -> host.releaseImage(files, owner)).as("step 5 fails the guest")
          .isInstanceOf(HostOperationException.class).hasMessageContaining("holds stacked");
      host.undoMount(files, owner);
      assertThat(MountTable.read().sourceOf(files.mountPoint())).as("left as it is").isEqualTo("stacked");
      assertThat(MountTable.read().mountPointsOf(device)).as("the guest's mount under it stays too").isNotEmpty();
    } finally {
      RealHost.run("umount", files.mountPoint().toString());
    }
    host.releaseImage(files, owner);
    assertThat(RealHost.mountsUnder(dir)).isEmpty();
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(files.mountPoint()).doesNotExist();
  }

  @Test
  void aMountAtTheMountPointIsNeverTheGuestsWhenItsImageDoesNotCarryTheGuestsMark() throws IOException {
    GuestFiles files = HostLayout.of(dir, dir, dir.resolve("mnt")).filesOf("web01");
    Files.createDirectories(files.mountPoint());
    Files.writeString(files.image(), "someone else's");
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "other", files.mountPoint().toString());
    try {
      LocalHostOperations host = host(LoopMounterTests.properties(dir, null));
      host.undoMount(files, "batch b, guest web01");
      host.deleteImage(files, "batch b, guest web01");
      assertThat(MountTable.read().sourceOf(files.mountPoint())).isEqualTo("other");
      assertThat(files.image()).hasContent("someone else's");
    } finally {
      RealHost.run("umount", files.mountPoint().toString());
    }
  }
}
