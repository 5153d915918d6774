package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.files.DomainConfigWriter;
import org.xenprovisioner.host.files.GuestConfigWriter;
import org.xenprovisioner.host.files.TemplateRenderer;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.host.image.BaseImageInspector;
import org.xenprovisioner.host.image.LoopMounter;
import org.xenprovisioner.host.image.MountTable;
import org.xenprovisioner.host.image.OwnedFiles;
import org.xenprovisioner.host.image.SparseImageCloner;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;

/** The steps on real images, as the delegates call them. */
public class LocalHostOperationsTests {

  private Path dir;

  /** The real host operations on the given settings, as the application wires them. */
  public static LocalHostOperations host(ProvisionerProperties properties) {
    CommandRunner runner = new CommandRunner();
    TemplateRenderer templates = new TemplateRenderer(properties);
    return new LocalHostOperations(new SparseImageCloner(runner, properties), new LoopMounter(runner, properties),
        new GuestConfigWriter(templates, properties), new DomainConfigWriter(templates),
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
    LocalHostOperations host = host(TestSettings.in(dir).baseImage(base).build());
    GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
    Path image = paths.image();

    assertThatThrownBy(() -> host.copyBaseImage(paths, BaseImageFingerprint.of(base), "batch b, guest web01"))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("LVM inside the image is not supported");

    assertThat(image).doesNotExist();
    assertThat(OwnedFiles.temporaryFor(image, "batch b, guest web01")).doesNotExist();
  }

  @Test
  void aMountStepThatFindsAForeignMountFailsAndTheRollbackLeavesThatMountAlone() throws IOException {
    Path base = TestImages.rhelBase(Files.createDirectories(dir.resolve("base")));
    LocalHostOperations host = host(TestSettings.in(dir).baseImage(base).build());
    GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
    String owner = "batch b, guest web01";
    host.copyBaseImage(paths, BaseImageFingerprint.of(base), owner);
    Files.createDirectories(paths.mountPoint());
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "foreign", paths.mountPoint().toString());
    try {
      assertThatThrownBy(() -> host.mountImage(paths)).isInstanceOf(HostOperationException.class)
          .hasMessageContaining("already in use by foreign");

      host.deleteImage(paths, owner);

      assertThat(paths.image()).doesNotExist();
      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).sourceOf(paths.mountPoint())).as("the foreign mount stays").isEqualTo("foreign");
      assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    } finally {
      RealHost.run("umount", paths.mountPoint().toString());
    }
  }

  @Test
  void releasingUnmountsOnlyTheGuestsOwnLoopMountNeverWhatIsMountedOverIt() throws IOException {
    Path base = TestImages.rhelBase(Files.createDirectories(dir.resolve("base")));
    LocalHostOperations host = host(TestSettings.in(dir).baseImage(base).build());
    GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
    String owner = "batch b, guest web01";
    host.copyBaseImage(paths, BaseImageFingerprint.of(base), owner);
    String device = host.mountImage(paths);
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "stacked", paths.mountPoint().toString());
    try {
      assertThatThrownBy(() -> host.unmountImage(paths, owner)).as("step 5 fails the guest")
          .isInstanceOf(HostOperationException.class).hasMessageContaining("holds stacked");
      host.undoMount(paths, owner);
      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).sourceOf(paths.mountPoint())).as("left as it is").isEqualTo("stacked");
      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).mountPointsOf(device)).as("the guest's mount under it stays too").isNotEmpty();
    } finally {
      RealHost.run("umount", paths.mountPoint().toString());
    }
    host.unmountImage(paths, owner);
    assertThat(RealHost.mountsUnder(dir)).isEmpty();
    assertThat(RealHost.loopDevicesUnder(dir)).isEmpty();
    assertThat(paths.mountPoint()).doesNotExist();
  }

  @Test
  void aMountAtTheMountPointIsNeverTheGuestsWhenItsImageDoesNotCarryTheGuestsMark() throws IOException {
    GuestPaths paths = HostLayout.of(dir, dir, dir.resolve("mnt")).pathsOf("web01");
    Files.createDirectories(paths.mountPoint());
    Files.writeString(paths.image(), "someone else's");
    RealHost.run("mount", "-t", "tmpfs", "-o", "size=1m", "other", paths.mountPoint().toString());
    try {
      LocalHostOperations host = host(TestSettings.in(dir).build());
      host.undoMount(paths, "batch b, guest web01");
      host.deleteImage(paths, "batch b, guest web01");
      assertThat(MountTable.read(new CommandRunner(), Duration.ofSeconds(30)).sourceOf(paths.mountPoint())).isEqualTo("other");
      assertThat(paths.image()).hasContent("someone else's");
    } finally {
      RealHost.run("umount", paths.mountPoint().toString());
    }
  }
}
