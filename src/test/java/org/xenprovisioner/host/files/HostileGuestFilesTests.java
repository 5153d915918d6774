package org.xenprovisioner.host.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestSettings;

/**
 * A base image as an attacker makes it: links where step 4 writes (at the target, at any name a
 * temporary could have, in a directory on the way, absolute and relative), FIFOs where it writes or
 * looks, a directory where a file goes. Nothing outside the guest changes, nothing waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileGuestFilesTests {

  private static final Path IMAGE = Path.of("/srv/xen/web01.img");
  private static final String OWNER = "batch 20261127-101500-0a1b, guest web01";
  private static final Guest GUEST =
      new Guest(2, "web01", "192.0.2.10", "00:16:3e:12:34:56", "255.255.255.0", "192.0.2.1", 1024, 2);
  private static final String CANARY = "root:$6$secret:19000:0:99999:7:::\n";

  @TempDir
  Path temp;

  private Path root;
  private Path canary;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(temp.resolve("guest"));
    Path dom0 = Files.createDirectory(temp.resolve("dom0"));
    canary = Files.writeString(dom0.resolve("shadow"), CANARY);
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aLinkAtATargetOrAtAnyOldTemporaryNameNeverLeadsOutOfTheGuest() throws IOException {
    file("etc/debian_version", "12.8\n");
    file("etc/netplan/50-cloud-init.yaml", "network: {}\n");
    file("etc/ssh/ssh_host_ed25519_key", "base key\n");
    file("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    List<String> planted = new ArrayList<>();
    for (GuestFile written : writer("auto").plan(root, GUEST, IMAGE, OWNER)) {
      Path target = root.resolve(written.path().substring(1));
      Path dir = Files.createDirectories(target.getParent());
      String name = target.getFileName().toString();
      // the fixed temporaries of earlier releases, one absolute and one relative link each
      Files.createSymbolicLink(dir.resolve("." + name + ".xenprov"), canary);
      Files.createSymbolicLink(dir.resolve("." + name + ".part"), dir.relativize(canary));
      if (written.isWrite() && !written.path().endsWith("machine-id")) {
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, planted.size() % 2 == 0 ? canary : dir.relativize(canary));
        planted.add(written.path());
      }
    }
    assertThat(planted).contains("/etc/hosts", "/etc/hostname", "/etc/network/interfaces", "/etc/netplan/90-xen-provisioner.yaml");

    List<GuestFile> files = writer("auto").write(root, GUEST, IMAGE, OWNER);

    assertCanaryUntouched();
    for (String path : planted) {
      Path target = root.resolve(path.substring(1));
      assertThat(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)).as(path + " is now the guest's own file").isTrue();
      String expected = files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
      assertThat(target).hasContent(expected);
    }
    assertThat(newTemporaries()).as("no temporary of ours is left").isEmpty();
  }

  @Test
  void aLinkedParentDirectoryIsRefusedRelativeOrAbsolute() throws IOException {
    file("etc/debian_version", "12.8\n");
    Files.createSymbolicLink(root.resolve("etc/network"), Path.of("../../dom0"));

    assertThatThrownBy(() -> writer("auto").write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("guest web01")
        .hasMessageContaining("guest directory /etc/network is a symbolic link; refusing to write through it");

    assertCanaryUntouched();
    assertThat(canary.getParent()).isDirectoryNotContaining(path -> !path.equals(canary));
  }

  @Test
  void fifosWhereTheStepWritesOrLooksAreReplacedOrLeftAloneWithoutWaiting() throws IOException {
    for (String path : List.of("etc/hosts", "etc/redhat-release", "etc/machine-id", "var/lib/dbus/machine-id",
        "etc/ssh/ssh_host_rsa_key", "etc/udev/rules.d/70-persistent-net.rules", "etc/cloud/cloud.cfg", "usr/bin/cloud-init",
        "etc/sysconfig/network-scripts/.ifcfg-eth0.xenprov")) {
      fifo(path);
    }

    writer("auto").write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/sysconfig/network-scripts/ifcfg-eth0")).as("a FIFO release file counts as there, unread")
        .content().contains("IPADDR=192.0.2.10");
    assertThat(Files.isRegularFile(root.resolve("etc/hosts"), LinkOption.NOFOLLOW_LINKS)).as("replaced").isTrue();
    assertThat(root.resolve("etc/ssh/ssh_host_rsa_key")).as("removed like any base key").doesNotExist();
    assertThat(root.resolve("etc/udev/rules.d/70-persistent-net.rules")).doesNotExist();
    assertThat(isFifo(root.resolve("etc/machine-id"))).as("not a regular file: left alone, never opened").isTrue();
    assertThat(root.resolve("var/lib/cloud")).as("a FIFO cloud.cfg is no cloud-init").doesNotExist();
  }

  @Test
  void aDirectoryWhereAFileGoesFailsTheGuestBeforeAnythingIsWrittenNamingThePath() throws IOException {
    file("etc/debian_version", "12.8\n");
    Files.createDirectories(root.resolve("etc/hosts/inside"));

    assertThatThrownBy(() -> writer("auto").write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("guest web01")
        .hasMessageContaining("/etc/hosts is a directory in the base image");

    assertThat(root.resolve("etc/hostname")).as("refused at the plan, before any write").doesNotExist();
  }

  @Test
  void aDirectoryWhereTheBaseNetplanIsSetAsideIsRefused() throws IOException {
    file("etc/debian_version", "12.8\n");
    file("etc/netplan/50-cloud-init.yaml", "network: {}\n");
    Files.createDirectories(root.resolve("etc/netplan/50-cloud-init.yaml.disabled-by-xen-provisioner"));

    assertThatThrownBy(() -> writer("auto").write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("/etc/netplan/50-cloud-init.yaml.disabled-by-xen-provisioner is a directory");
  }

  @Test
  void aDeviceNodeAtATargetIsReplacedNotOpened() throws IOException {
    RealHost.assumeTools("mknod");
    file("etc/debian_version", "12.8\n");
    Files.createDirectories(root.resolve("etc"));
    // a character device (the harmless /dev/null's numbers) as the guest's /etc/hostname
    try {
      RealHost.run("mknod", root.resolve("etc/hostname").toString(), "c", "1", "3");
    } catch (AssertionError | RuntimeException notRoot) {
      org.junit.jupiter.api.Assumptions.abort("mknod needs root here: " + notRoot.getMessage());
    }

    writer("auto").write(root, GUEST, IMAGE, OWNER);

    assertThat(Files.isRegularFile(root.resolve("etc/hostname"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(root.resolve("etc/hostname")).content().isEqualToIgnoringNewLines("web01");
  }

  @Test
  void fileWorkThatWaitsFailsTheGuestAtItsDeadlineNamingWhatItWaitedFor() throws Exception {
    Path fifo = fifo("etc/stuck");
    GuestConfigWriter writer = new GuestConfigWriter(new TemplateRenderer(settings("debian").build()),
        settings("debian").commandTimeout(Duration.ofSeconds(1)).build());
    long started = System.nanoTime();
    try {
      assertThatThrownBy(() -> writer.inGuest(root, GUEST, tree -> {
        // what no step does (it opens nothing it did not make), standing for an open that never returns
        try (InputStream in = Files.newInputStream(fifo)) {
          return in.read();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      })).isInstanceOf(HostOperationException.class)
          .hasMessageContaining("guest web01")
          .hasMessageContaining("not done within 1 s (provisioner.command-timeout)");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    } finally {
      // lets the abandoned worker's open return, so that no thread waits on after the test
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write('\n');
      }
    }
  }

  private GuestConfigWriter writer(String family) {
    ProvisionerProperties properties = settings(family).build();
    return new GuestConfigWriter(new TemplateRenderer(properties), properties);
  }

  private static TestSettings settings(String family) {
    return TestSettings.nowhere().templates(Path.of("config/templates")).family(family).bridge("xenbr7")
        .clean(new ProvisionerProperties.Clean(true, true, true));
  }

  private void assertCanaryUntouched() throws IOException {
    assertThat(canary).hasContent(CANARY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canary))).isEqualTo("rw-------");
  }

  private List<Path> newTemporaries() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(path -> path.getFileName().toString().startsWith(".xenprov-")).toList();
    }
  }

  private Path file(String guestPath, String content) throws IOException {
    Path file = root.resolve(guestPath);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private Path fifo(String guestPath) throws IOException {
    Path fifo = root.resolve(guestPath);
    Files.createDirectories(fifo.getParent());
    RealHost.run("mkfifo", fifo.toString());
    return fifo;
  }

  private static boolean isFifo(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
  }
}
