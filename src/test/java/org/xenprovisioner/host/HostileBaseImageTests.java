package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.image.BaseImageInspector;
import org.xenprovisioner.host.image.OwnedFiles;
import org.xenprovisioner.host.image.RootFileSystem;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestImages;
import org.xenprovisioner.testing.TestSettings;
import org.xenprovisioner.testing.XfsImages;

/**
 * Base images as an attacker builds them, through the real application: every file step 4 writes
 * has links beside it under the fixed temporary names of earlier releases (absolute, and relative
 * with {@code ../}) pointing at a host file outside every configured directory, {@code /etc/hosts}
 * is itself such a link, {@code /etc/hostname} a device node, the machine id and the release file
 * FIFOs, an SSH host key and the udev rule links to the host file. On a bare RHEL-like ext4, a
 * Debian GPT disk with netplan, a cloud-init guest and an XFS root, the guests are provisioned with
 * files of their own and the host file comes out byte for byte and with its mode; a directory
 * where a file goes rolls its guest back with an error naming the path. Nothing stays attached,
 * mounted or half-written.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class HostileBaseImageTests extends RealAppTest {

  private static final long MIB = 1024 * 1024;
  private static final String CANARY = "root:$6$canary:19000:0:99999:7:::\n";

  private static Path canary;

  @BeforeAll
  static void hostFile() throws IOException {
    RealHost.assumeLoopDevicesUsable();
    RealHost.assumeTools("mkfs.xfs (package xfsprogs)", "sfdisk (package fdisk)", "mknod", "mkfifo");
    // beside the configured directories (images, xen, mnt, base), in none of them
    canary = Files.writeString(Files.createDirectories(root.resolve("dom0-etc")).resolve("shadow"), CANARY);
    Files.setPosixFilePermissions(canary, PosixFilePermissions.fromString("rw-------"));
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
    registry.add("provisioner.max-parallel", () -> "2");
  }

  @AfterEach
  void nothingReachedTheHostAndNothingIsLeft() throws IOException {
    assertThat(Files.readString(canary)).as("the host file's content").isEqualTo(CANARY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(canary))).as("its mode").isEqualTo("rw-------");
    assertThat(RealHost.fileNames(root.resolve("dom0-etc"))).as("nothing beside it").containsExactly("shadow");
    assertThat(RealHost.loopDevicesUnder(root.resolve("images"))).as("loop devices left attached").isEmpty();
    assertThat(RealHost.mountsUnder(root.resolve("mnt"))).as("mounts left").isEmpty();
    try (Stream<Path> files = Stream.concat(Files.list(root.resolve("images")), Files.list(root.resolve("xen")))) {
      assertThat(files.map(file -> file.getFileName().toString()).filter(OwnedFiles::isTemporary)).as("temporaries").isEmpty();
    }
  }

  @Test
  void aBareRhelExt4() throws Exception {
    Path tree = rhelTree("rhel-ext4");
    provisionsBoth(TestImages.ext4(root.resolve("layouts/rhel-ext4.img"), tree, 64 * MIB), "rhel", 1);
  }

  @Test
  void aDebianGptDiskWithNetplan() throws Exception {
    Path dir = Files.createDirectories(root.resolve("layouts/debian-gpt"));
    Path tree = TestImages.debianTree(dir, true, MIB);
    plant(tree, "etc/debian_version");
    Path rootFs = TestImages.ext4(dir.resolve("root.fs"), tree, 48 * MIB);
    provisionsBoth(TestImages.partitionedDisk(dir, "gpt", rootFs), "debian", 2);
  }

  @Test
  void aCloudInitGuest() throws Exception {
    Path dir = Files.createDirectories(root.resolve("layouts/cloud"));
    Path tree = TestImages.debianTree(dir, false, MIB);
    TestImages.withCloudInit(tree);
    Files.createDirectories(tree.resolve("var/lib/cloud/seed/nocloud"));
    Files.createSymbolicLink(tree.resolve("var/lib/cloud/seed/nocloud/.user-data.xenprov"), canary);
    Files.createSymbolicLink(tree.resolve("var/lib/cloud/seed/nocloud/meta-data"), relativeToCanary("var/lib/cloud/seed/nocloud"));
    plant(tree, "etc/debian_version");
    provisionsBoth(TestImages.ext4(dir.resolve("cloud.img"), tree, 64 * MIB), "cloud-init", 3);
  }

  @Test
  void anXfsRoot() throws Exception {
    Path tree = rhelTree("rhel-xfs");
    provisionsBoth(XfsImages.xfs(root.resolve("layouts/rhel-xfs.img"), tree, XfsImages.MIN_BYTES), "rhel", 4);
  }

  @Test
  void aDirectoryWhereAFileGoesRollsTheGuestBackNamingThePath() throws Exception {
    Path tree = rhelTree("dir-at-target");
    Files.delete(tree.resolve("etc/hosts"));
    Files.createDirectories(tree.resolve("etc/hosts/inside"));
    useAsBase(TestImages.ext4(root.resolve("layouts/dir-at-target.img"), tree, 64 * MIB));

    String id = api().submit("directory-at-etc-hosts", "trap1,10.31.5.11,00:16:3e:31:05:11\n");
    JsonNode batch = api().approveAndWait(id, null);

    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED_WITH_FAILURES");
    JsonNode guest = batch.get("guestList").get(0);
    assertThat(guest.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(guest.get("error").asText()).contains("trap1", "/etc/hosts is a directory in the base image");
    assertThat(RealHost.fileNames(root.resolve("images"))).as("its image was removed").doesNotContain("trap1.img");
    assertThat(RealHost.fileNames(root.resolve("xen"))).as("no domain config").doesNotContain("trap1.cfg");
  }

  /** Two guests of the base, both PROVISIONED with files of their own where the base had traps. */
  private void provisionsBoth(Path base, String family, int net) throws Exception {
    useAsBase(base);
    String prefix = "trap" + net + "-";
    String csv = prefix + "1,10.31." + net + ".11,00:16:3e:31:0" + net + ":11\n"
        + prefix + "2,10.31." + net + ".12,00:16:3e:31:0" + net + ":12\n";
    String id = api().submit("hostile-" + family, csv);
    JsonNode batch = api().approveAndWait(id, null);

    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    BaseImageInspector inspector = new BaseImageInspector(new CommandRunner(), TestSettings.in(root.resolve("check")).build());
    for (int i = 1; i <= 2; i++) {
      String hostname = prefix + i;
      Path image = root.resolve("images/" + hostname + ".img");
      RootFileSystem fs = inspector.inspect(image);
      Map<String, String> files = RealHost.readMounted(image, fs, root.resolve("check/" + hostname),
          "etc/hosts", "etc/hostname", "etc/ssh/ssh_host_ed25519_key", "etc/udev/rules.d/70-persistent-net.rules",
          "etc/sysconfig/network-scripts/ifcfg-eth0", "etc/network/interfaces", "etc/netplan/90-xen-provisioner.yaml",
          "var/lib/cloud/seed/nocloud/meta-data");
      assertThat(files.get("etc/hostname")).as("a file of its own where the base had a device node").isEqualTo(hostname + "\n");
      assertThat(files.get("etc/ssh/ssh_host_ed25519_key")).as("the base's key (a link) is gone").isNull();
      assertThat(files.get("etc/udev/rules.d/70-persistent-net.rules")).isNull();
      String ip = "10.31." + net + ".1" + i;
      switch (family) {
        case "rhel" -> {
          assertThat(files.get("etc/hosts")).as("a file of its own where the base had a link").contains(ip + " " + hostname);
          assertThat(files.get("etc/sysconfig/network-scripts/ifcfg-eth0")).contains("IPADDR=" + ip);
        }
        case "debian" -> {
          assertThat(files.get("etc/hosts")).contains(ip + " " + hostname);
          assertThat(files.get("etc/network/interfaces")).contains("address " + ip);
          assertThat(files.get("etc/netplan/90-xen-provisioner.yaml")).contains("- " + ip + "/24");
        }
        case "cloud-init" -> assertThat(files.get("var/lib/cloud/seed/nocloud/meta-data"))
            .as("a seed of its own where the base had a link").contains("local-hostname: " + hostname);
        default -> throw new AssertionError(family);
      }
    }
  }

  private static void useAsBase(Path image) throws IOException {
    Files.move(image, root.resolve("base/base.img"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path rhelTree(String name) throws IOException {
    Path tree = TestImages.rhelTree(root.resolve("layouts/" + name), "placeholder", false);
    plant(tree, "etc/redhat-release");
    return tree;
  }

  /**
   * The traps, in a tree whose files are already there: beside every file of {@code etc} and its
   * subdirectories, links named as the temporaries of earlier releases ({@code .<name>.xenprov},
   * absolute, and {@code .<name>.part}, relative); {@code etc/hosts} a link, {@code etc/hostname} a
   * character device, the machine id and the release file FIFOs, the SSH key and the udev rule links.
   */
  private static void plant(Path tree, String releaseFile) throws IOException {
    List<Path> dirs;
    try (Stream<Path> walk = Files.walk(tree.resolve("etc"))) {
      dirs = walk.filter(Files::isDirectory).toList();
    }
    for (Path dir : dirs) {
      String guestDir = tree.relativize(dir).toString();
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).toList();
      }
      for (Path file : files) {
        String name = file.getFileName().toString();
        Files.createSymbolicLink(dir.resolve("." + name + ".xenprov"), canary);
        Files.createSymbolicLink(dir.resolve("." + name + ".part"), relativeToCanary(guestDir));
      }
    }
    for (String name : List.of("hostname", "hosts", ".hostname.xenprov", "machine-id")) {
      Files.deleteIfExists(tree.resolve("etc/" + name));
    }
    Files.createSymbolicLink(tree.resolve("etc/hosts"), canary);
    RealHost.run("mknod", tree.resolve("etc/hostname").toString(), "c", "1", "3");
    RealHost.run("mkfifo", tree.resolve("etc/.hostname.xenprov").toString());
    RealHost.run("mkfifo", tree.resolve("etc/machine-id").toString());
    Files.delete(tree.resolve(releaseFile));
    RealHost.run("mkfifo", tree.resolve(releaseFile).toString());
    for (String link : List.of("etc/ssh/ssh_host_ed25519_key", "etc/udev/rules.d/70-persistent-net.rules")) {
      Files.deleteIfExists(tree.resolve(link));
      Files.createDirectories(tree.resolve(link).getParent());
      Files.createSymbolicLink(tree.resolve(link), canary);
    }
  }

  /** A relative link from a guest directory, once mounted at {@code <mount-dir>/<hostname>}, to the host file. */
  private static Path relativeToCanary(String guestDir) {
    Path mounted = root.resolve("mnt/guest").resolve(guestDir);
    return mounted.relativize(canary);
  }
}
