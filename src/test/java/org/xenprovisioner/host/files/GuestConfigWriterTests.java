package org.xenprovisioner.host.files;

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
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.RealHost;
import org.xenprovisioner.testing.TestSettings;

class GuestConfigWriterTests {

  private static final Path IMAGE = Path.of("/srv/xen/web01.img");
  private static final String OWNER = "batch 20261127-101500-0a1b, guest web01";
  private static final Guest GUEST =
      new Guest(2, "web01", "192.0.2.10", "00:16:3e:12:34:56", "255.255.255.0", "192.0.2.1", 1024, 2);

  @TempDir
  Path temp;

  private Path root;
  private Path outside;
  private TemplateRenderer renderer;
  private GuestConfigWriter writer;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(temp.resolve("guest"));
    outside = Files.createDirectory(temp.resolve("dom0"));
    renderer = new TemplateRenderer(TestSettings.nowhere().templates(Path.of("config/templates")).family("rhel").bridge("xenbr7").build());
    writer = new GuestConfigWriter(renderer, TestSettings.nowhere().templates(Path.of("config/templates")).family("rhel").bridge("xenbr7").build());
  }

  @Test
  void writesRenderedFilesWithMode0644() throws IOException {
    writer.write(root, GUEST, IMAGE, OWNER);

    Map<String, String> expected = renderer.guestFiles(GUEST, IMAGE, OWNER);
    assertThat(expected).isNotEmpty();
    expected.remove("etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg");
    assertThat(root.resolve("etc/cloud")).as("only where the base has cloud-init").doesNotExist();
    for (Map.Entry<String, String> file : expected.entrySet()) {
      Path written = root.resolve(file.getKey());
      assertThat(written).isRegularFile().hasContent(file.getValue());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-r--r--");
    }
    assertThat(root.resolve("etc/sysconfig/network-scripts/ifcfg-eth0")).content().contains("IPADDR=192.0.2.10");
  }

  @Test
  void planChangesNothingAndIsWhatWriteThenDoes() throws IOException {
    Files.createDirectories(root.resolve("etc/udev/rules.d"));
    Files.writeString(root.resolve("etc/udev/rules.d/70-persistent-net.rules"), "old rule\n");
    Files.createDirectories(root.resolve("etc/ssh"));
    Files.writeString(root.resolve("etc/ssh/ssh_host_rsa_key"), "base key\n");
    Files.writeString(root.resolve("etc/machine-id"), "0123\n");

    java.util.List<GuestFile> plan = writer.plan(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/hosts")).as("a plan writes nothing").doesNotExist();
    assertThat(root.resolve("etc/ssh/ssh_host_rsa_key")).as("nor removes anything").exists();
    assertThat(plan).extracting(GuestFile::path, GuestFile::action).contains(
        org.assertj.core.groups.Tuple.tuple("/etc/sysconfig/network-scripts/ifcfg-eth0", "write"),
        org.assertj.core.groups.Tuple.tuple("/etc/udev/rules.d/70-persistent-net.rules", "remove"),
        org.assertj.core.groups.Tuple.tuple("/etc/ssh/ssh_host_rsa_key", "remove"),
        org.assertj.core.groups.Tuple.tuple("/etc/machine-id", "write"));
    assertThat(plan).allMatch(file -> GuestFile.GUEST.equals(file.where()));

    assertThat(writer.write(root, GUEST, IMAGE, OWNER)).isEqualTo(plan);
    for (GuestFile file : plan) {
      Path onDisk = root.resolve(file.path().substring(1));
      if (file.isWrite()) {
        assertThat(onDisk).hasContent(file.content());
      } else {
        assertThat(onDisk).doesNotExist();
      }
    }
  }

  @Test
  void planWithoutUdevRulesRemovesNothingThatIsNotThere() {
    assertThat(writer.plan(root, GUEST, IMAGE, OWNER)).extracting(GuestFile::action).containsOnly("write");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    writer.write(root, GUEST, IMAGE, OWNER);

    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".xenprov"));
    }
  }

  @Test
  void replacesExistingFileAndItsMode() throws IOException {
    Path hosts = Files.createDirectories(root.resolve("etc")).resolve("hosts");
    Files.writeString(hosts, "10.9.9.9 old-name\n");
    Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rwxrwxrwx"));

    writer.write(root, GUEST, IMAGE, OWNER);

    assertThat(hosts).content().contains("192.0.2.10 web01").doesNotContain("old-name");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts))).isEqualTo("rw-r--r--");
  }

  @Test
  void removesPersistentNetRules() throws IOException {
    Path rules = Files.createDirectories(root.resolve("etc/udev/rules.d")).resolve("70-persistent-net.rules");
    Files.writeString(rules, "SUBSYSTEM==\"net\", ATTR{address}==\"00:16:3e:00:00:99\", NAME=\"eth0\"\n");

    writer.write(root, GUEST, IMAGE, OWNER);

    assertThat(rules).doesNotExist();
    assertThat(root.resolve("etc/udev/rules.d")).isDirectory();
  }

  @Test
  void succeedsWithoutPersistentNetRules() {
    writer.write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/udev/rules.d/70-persistent-net.rules")).doesNotExist();
  }

  @Test
  void replacesSymlinkInsteadOfWritingThroughIt() throws IOException {
    Path dom0Hostname = Files.writeString(outside.resolve("hostname"), "dom0\n");
    Path link = Files.createDirectories(root.resolve("etc")).resolve("hostname");
    Files.createSymbolicLink(link, dom0Hostname);

    writer.write(root, GUEST, IMAGE, OWNER);

    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(link).content().isEqualToIgnoringNewLines("web01");
    assertThat(dom0Hostname).hasContent("dom0\n");
  }

  @Test
  void refusesParentDirectoryThatIsSymlinkOutOfTheRoot() throws IOException {
    Path dom0Sysconfig = Files.createDirectory(outside.resolve("sysconfig"));
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc")).resolve("sysconfig"), dom0Sysconfig);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("etc/sysconfig")
        .hasMessageContaining("symbolic link");

    assertThat(dom0Sysconfig).isEmptyDirectory();
  }

  @Test
  void refusesEtcThatIsSymlinkOutOfTheRoot() throws IOException {
    Path dom0Etc = Files.createDirectory(outside.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc"), dom0Etc);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE, OWNER)).isInstanceOf(HostOperationException.class);

    assertThat(dom0Etc).isEmptyDirectory();
  }

  @Test
  void refusesDanglingDirectorySymlinkWithoutCreatingItsTarget() throws IOException {
    Path missing = outside.resolve("not-yet/sysconfig");
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc")).resolve("sysconfig"), missing);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE, OWNER)).isInstanceOf(HostOperationException.class);

    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void refusesUdevDirectorySymlinkWithoutDeletingThroughIt() throws IOException {
    Path dom0Rules = Files.createDirectories(outside.resolve("rules.d"));
    Path dom0File = Files.writeString(dom0Rules.resolve("70-persistent-net.rules"), "keep me\n");
    Files.createSymbolicLink(Files.createDirectories(root.resolve("etc/udev")).resolve("rules.d"), dom0Rules);

    assertThatThrownBy(() -> writer.write(root, GUEST, IMAGE, OWNER)).isInstanceOf(HostOperationException.class);

    assertThat(dom0File).hasContent("keep me\n");
  }

  private GuestConfigWriter writer(String family, ProvisionerProperties.Clean clean) {
    ProvisionerProperties withClean = TestSettings.nowhere().family(family).bridge("xenbr7").clean(clean).build();
    return new GuestConfigWriter(new TemplateRenderer(withClean), withClean);
  }

  private Path file(String guestPath, String content) throws IOException {
    Path file = root.resolve(guestPath);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  @Test
  void detectsDebianAndWritesNetplanMatchingTheMacWhereTheBaseUsesNetplan() throws IOException {
    file("etc/debian_version", "12.8\n");
    Path baseNetplan = file("etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    enX0:\n      dhcp4: true\n");

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    Path netplan = root.resolve("etc/netplan/90-xen-provisioner.yaml");
    assertThat(netplan).content().contains("macaddress: \"00:16:3e:12:34:56\"", "- 192.0.2.10/24", "via: 192.0.2.1")
        .doesNotContain("set-name", "eth0:", "enX0:");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(netplan))).isEqualTo("rw-------");
    assertThat(baseNetplan).as("the base's DHCP config is set aside").doesNotExist();
    assertThat(root.resolve("etc/netplan/50-cloud-init.yaml.disabled-by-xen-provisioner")).exists();
    assertThat(root.resolve("etc/network/interfaces")).content().contains("iface eth0 inet static", "address 192.0.2.10");
    assertThat(root.resolve("etc/hostname")).content().isEqualToIgnoringNewLines("web01");
    assertThat(root.resolve("etc/sysconfig")).doesNotExist();
  }

  @Test
  void writesNoNetplanFileWhereTheBaseHasNone() throws IOException {
    file("etc/debian_version", "10.13\n");

    writer("debian", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/netplan")).doesNotExist();
    assertThat(root.resolve("etc/network/interfaces")).exists();
  }

  @Test
  void detectsRhelFromRedhatRelease() throws IOException {
    file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/sysconfig/network-scripts/ifcfg-eth0")).content().contains("HWADDR=00:16:3e:12:34:56");
    assertThat(root.resolve("etc/network/interfaces")).doesNotExist();
  }

  @Test
  void refusesToGuessAFamilyWithoutReleaseFiles() {
    assertThatThrownBy(() -> writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("web01").hasMessageContaining("/etc/debian_version").hasMessageContaining("provisioner.guest-family");
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void doesNotLookThroughASymlinkedEtcToTellTheFamily() throws IOException {
    Path dom0Etc = Files.createDirectory(outside.resolve("etc"));
    Files.writeString(dom0Etc.resolve("redhat-release"), "Dom0 release\n");
    Files.createSymbolicLink(root.resolve("etc"), dom0Etc);

    assertThatThrownBy(() -> writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("guest directory /etc is a symbolic link; refusing to look through it");
    assertThat(dom0Etc).isDirectoryContaining(path -> path.getFileName().toString().equals("redhat-release"));
    assertThat(RealHost.fileNames(dom0Etc)).hasSize(1);
  }

  @Test
  void removesSshHostKeysAndEmptiesMachineIdsAsVirtSysprepDoes() throws IOException {
    file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");
    Path rsa = file("etc/ssh/ssh_host_rsa_key", "private\n");
    Path rsaPub = file("etc/ssh/ssh_host_rsa_key.pub", "public\n");
    Path config = file("etc/ssh/sshd_config", "PermitRootLogin no\n");
    Path machineId = file("etc/machine-id", "0123456789abcdef0123456789abcdef\n");
    Path dbusMachineId = file("var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n");

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(rsa).doesNotExist();
    assertThat(rsaPub).doesNotExist();
    assertThat(config).hasContent("PermitRootLogin no\n");
    assertThat(machineId).isRegularFile().isEmptyFile();
    assertThat(dbusMachineId).isRegularFile().isEmptyFile();
  }

  @Test
  void leavesAMachineIdLinkAloneInsteadOfWritingThroughIt() throws IOException {
    file("etc/debian_version", "12.8\n");
    Path dom0MachineId = Files.writeString(outside.resolve("machine-id"), "dom0\n");
    Files.createDirectories(root.resolve("var/lib/dbus"));
    Files.createSymbolicLink(root.resolve("var/lib/dbus/machine-id"), dom0MachineId);

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(dom0MachineId).hasContent("dom0\n");
    assertThat(Files.isSymbolicLink(root.resolve("var/lib/dbus/machine-id"))).isTrue();
  }

  @Test
  void keepsWhatCleaningIsSwitchedOffFor() throws IOException {
    file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");
    Path rules = file("etc/udev/rules.d/70-persistent-net.rules", "rule\n");
    Path key = file("etc/ssh/ssh_host_ed25519_key", "private\n");
    Path machineId = file("etc/machine-id", "0123456789abcdef0123456789abcdef\n");

    writer("rhel", new ProvisionerProperties.Clean(false, false, false)).write(root, GUEST, IMAGE, OWNER);

    assertThat(rules).hasContent("rule\n");
    assertThat(key).hasContent("private\n");
    assertThat(machineId).hasContent("0123456789abcdef0123456789abcdef\n");
  }

  @Test
  void detectsCloudInitAndWritesItsNoCloudSeedInsteadOfDistributionFiles() throws IOException {
    file("etc/debian_version", "trixie/sid\n");
    withCloudInit();
    Path baseNetplan = file("etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    enX0:\n      dhcp4: true\n");
    Path interfaces = file("etc/network/interfaces", "source /etc/network/interfaces.d/*\n");

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    Path seed = root.resolve("var/lib/cloud/seed/nocloud");
    assertThat(seed.resolve("meta-data")).content()
        .contains("instance-id: " + TemplateRenderer.instanceId(GUEST, OWNER), "local-hostname: web01");
    assertThat(seed.resolve("network-config")).content().contains("macaddress: \"00:16:3e:12:34:56\"", "- 192.0.2.10/24");
    assertThat(seed.resolve("user-data")).content().startsWith("#cloud-config\n");
    for (String name : new String[] {"meta-data", "user-data", "network-config"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(seed.resolve(name)))).isEqualTo("rw-------");
    }
    assertThat(root.resolve("etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg")).content().contains("datasource_list: [ NoCloud, None ]");
    assertThat(root.resolve("etc/hosts")).content().contains("192.0.2.10 web01");
    assertThat(interfaces).as("cloud-init renders the network").hasContent("source /etc/network/interfaces.d/*\n");
    assertThat(baseNetplan).as("cloud-init rewrites its own file from the seed").exists();
    assertThat(root.resolve("etc/netplan/90-xen-provisioner.yaml")).doesNotExist();
  }

  @Test
  void keepsCloudInitFromReplacingTheNetworkItDoesNotConfigure() throws IOException {
    file("etc/debian_version", "12.8\n");
    withCloudInit();

    writer("debian", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg")).content().contains("network: {config: disabled}");
    assertThat(root.resolve("etc/network/interfaces")).content().contains("address 192.0.2.10");
    assertThat(root.resolve("var/lib/cloud/seed")).doesNotExist();
  }

  @Test
  void writesNoCloudInitConfigurationWhereTheBaseHasNoCloudInit() throws IOException {
    file("etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");

    writer("rhel", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/cloud")).doesNotExist();
  }

  @Test
  void takesACloudInitThatIsSwitchedOffOrRemovedForNone() throws IOException {
    file("etc/redhat-release", "Rocky Linux release 9.5 (Blue Onyx)\n");
    file("etc/cloud/cloud.cfg", "# left behind by dnf remove cloud-init\n");

    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("etc/sysconfig/network-scripts/ifcfg-eth0")).exists();
    assertThat(root.resolve("var/lib/cloud/seed")).doesNotExist();

    file("usr/bin/cloud-init", "#!/usr/bin/python3\n");
    file("etc/cloud/cloud-init.disabled", "");
    writer("auto", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER);

    assertThat(root.resolve("var/lib/cloud/seed")).doesNotExist();
  }

  @Test
  void refusesFamilyCloudInitForAGuestWithoutCloudInit() throws IOException {
    file("etc/debian_version", "12.8\n");

    assertThatThrownBy(() -> writer("cloud-init", new ProvisionerProperties.Clean(true, true, true)).write(root, GUEST, IMAGE, OWNER))
        .isInstanceOf(HostOperationException.class)
        .hasMessageContaining("web01").hasMessageContaining("no cloud-init").hasMessageContaining("provisioner.guest-family");
    assertThat(root.resolve("var")).doesNotExist();
  }

  private void withCloudInit() throws IOException {
    file("etc/cloud/cloud.cfg", "datasource_list: [ NoCloud, ConfigDrive, Ec2, None ]\n");
    file("usr/bin/cloud-init", "#!/usr/bin/python3\n");
  }
}
