package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.intake.Guest;

class GuestFileWriterTests {

  private static final Path IMAGE = Path.of("/srv/xen/web01.img");
  private static final Guest GUEST =
      new Guest(2, "web01", "192.0.2.10", "00:16:3e:12:34:56", "255.255.255.0", "192.0.2.1", 1024, 2);

  @TempDir
  Path temp;

  private Path root;
  private Path outside;
  private TemplateRenderer renderer;
  private GuestFileWriter writer;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(temp.resolve("guest"));
    outside = Files.createDirectory(temp.resolve("dom0"));
    renderer = new TemplateRenderer(TemplateRendererTests.properties(Path.of("config/templates"), "rhel"));
    writer = new GuestFileWriter(renderer);
  }

  @Test
  void writesRenderedFilesWithMode0644() throws IOException {
    writer.write(root, GUEST, IMAGE);

    Map<String, String> expected = renderer.guestFiles(GUEST, IMAGE);
    assertThat(expected).isNotEmpty();
    for (Map.Entry<String, String> file : expected.entrySet()) {
      Path written = root.resolve(file.getKey());
      assertThat(written).isRegularFile().hasContent(file.getValue());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
    }
    assertThat(root.resolve("etc/sysconfig/network-scripts/ifcfg-eth0")).content().contains("IPADDR=192.0.2.10");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    writer.write(root, GUEST, IMAGE);

    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".xenprov"));
    }
  }

  @Test
  void replacesExistingFileAndItsMode() throws IOException {
    Path hosts = Files.createDirectories(root.resolve("etc")).resolve("hosts");
    Files.writeString(hosts, "10.9.9.9 old-name\n");
    Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rwxrwxrwx"));

    writer.write(root, GUEST, IMAGE);

    assertThat(hosts).content().contains("192.0.2.10 web01").doesNotContain("old-name");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts))).isEqualTo("rw-r--r--");
  }

  @Test
  void removesPersistentNetRules() throws IOException {
    Path rules = Files.createDirectories(root.resolve("etc/udev/rules.d")).resolve("70-persistent-net.rules");
    Files.writeString(rules, "SUBSYSTEM==\"net\", ATTR{address}==\"00:16:3e:00:00:99\", NAME=\"eth0\"\n");

    writer.write(root, GUEST, IMAGE);

    assertThat(rules).doesNotExist();
    assertThat(root.resolve("etc/udev/rules.d")).isDirectory();
  }

  @Test
  void succeedsWithoutPersistentNetRules() {
    writer.write(root, GUEST, IMAGE);

    assertThat(root.resolve("etc/udev/rules.d/70-persistent-net.rules")).doesNotExist();
  }

  @Test
  void replacesSymlinkInsteadOfWritingThroughIt() throws IOException {
    Path dom0Hostname = Files.writeString(outside.resolve("hostname"), "dom0\n");
    Path link = Files.createDirectories(root.resolve("etc")).resolve("hostname");
    Files.createSymbolicLink(link, dom0Hostname);

    writer.write(root, GUEST, IMAGE);

    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(link).content().isEqualToIgnoringNewLines("web01");
    assertThat(dom0Hostname).hasContent("dom0\n");
  }

  @Test
  void refusesParentDirectoryThatIsSymlinkOutOfTheRoot() throws IOException {
    Path dom0Sysconfig = Files.createDirectory(outside.resolve("sysconfig"));
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc")).resolve("sysconfig"), dom0Sysconfig);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("etc/sysconfig")
        .hasMessageContaining("symbolic link");

    assertThat(dom0Sysconfig).isEmptyDirectory();
  }

  @Test
  void refusesEtcThatIsSymlinkOutOfTheRoot() throws IOException {
    Path dom0Etc = Files.createDirectory(outside.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc"), dom0Etc);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE)).isInstanceOf(HostOperationException.class);

    assertThat(dom0Etc).isEmptyDirectory();
  }

  @Test
  void refusesDanglingDirectorySymlinkWithoutCreatingItsTarget() throws IOException {
    Path missing = outside.resolve("not-yet/sysconfig");
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc")).resolve("sysconfig"), missing);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE)).isInstanceOf(HostOperationException.class);

    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void refusesUdevDirectorySymlinkWithoutDeletingThroughIt() throws IOException {
    Path dom0Rules = Files.createDirectories(outside.resolve("rules.d"));
    Path dom0File = Files.writeString(dom0Rules.resolve("70-persistent-net.rules"), "keep me\n");
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc/udev")).resolve("rules.d"), dom0Rules);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE)).isInstanceOf(HostOperationException.class);

    assertThat(dom0File).hasContent("keep me\n");
  }
}
