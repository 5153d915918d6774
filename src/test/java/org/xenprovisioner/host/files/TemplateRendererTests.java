package org.xenprovisioner.host.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.config.StartRefusedException;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.TestSettings;

class TemplateRendererTests {

  private static final Path TEMPLATES = Path.of("config/templates");
  private static final Path IMAGE = Path.of("/srv/xen/web01.img");
  private static final Guest WITH_GATEWAY =
      new Guest(2, "web01", "192.0.2.10", "00:16:3e:12:34:56", "255.255.255.0", "192.0.2.1", 1024, 2);
  private static final Guest WITHOUT_GATEWAY =
      new Guest(3, "web02", "198.51.100.7", "00:16:3e:ab:cd:ef", "255.255.0.0", null, 4194304, 16);

  private static List<String> lines(String text) {
    return text.lines().toList();
  }

  @Test
  void rendersRhelFilesWithGateway() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge("xenbr7").build());

    Map<String, String> files = renderer.guestFiles(WITH_GATEWAY, IMAGE);

    assertThat(files).containsOnlyKeys("etc/hostname", "etc/hosts", "etc/sysconfig/network",
        "etc/sysconfig/network-scripts/ifcfg-eth0");
    assertThat(lines(files.get("etc/sysconfig/network"))).contains("HOSTNAME=web01", "GATEWAY=192.0.2.1");
    assertThat(lines(files.get("etc/sysconfig/network-scripts/ifcfg-eth0"))).contains("DEVICE=eth0",
        "BOOTPROTO=static", "HWADDR=00:16:3e:12:34:56", "IPADDR=192.0.2.10", "NETMASK=255.255.255.0", "ONBOOT=yes");
    assertThat(lines(files.get("etc/hosts"))).contains("192.0.2.10 web01");
    assertThat(files.get("etc/hostname").strip()).isEqualTo("web01");
  }

  @Test
  void leavesGatewayOutOfRhelFilesWhenNoneIsGiven() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge("xenbr7").build());

    Map<String, String> files = renderer.guestFiles(WITHOUT_GATEWAY, Path.of("/srv/xen/web02.img"));

    assertThat(lines(files.get("etc/sysconfig/network"))).contains("HOSTNAME=web02");
    assertThat(files.get("etc/sysconfig/network")).doesNotContain("GATEWAY");
    assertThat(files.get("etc/sysconfig/network-scripts/ifcfg-eth0")).doesNotContain("GATEWAY");
    assertThat(lines(files.get("etc/sysconfig/network-scripts/ifcfg-eth0"))).contains("DEVICE=eth0",
        "BOOTPROTO=static", "HWADDR=00:16:3e:ab:cd:ef", "IPADDR=198.51.100.7", "NETMASK=255.255.0.0", "ONBOOT=yes");
    assertThat(lines(files.get("etc/hosts"))).contains("198.51.100.7 web02");
    assertThat(files.get("etc/hostname").strip()).isEqualTo("web02");
  }

  @Test
  void rendersDebianFilesWithStaticEth0() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("debian").bridge("xenbr7").build());

    Map<String, String> files = renderer.guestFiles(WITH_GATEWAY, IMAGE);

    assertThat(files).containsOnlyKeys("etc/hostname", "etc/hosts", "etc/network/interfaces",
        "etc/netplan/90-xen-provisioner.yaml");
    assertThat(files.get("etc/hostname").strip()).isEqualTo("web01");
    assertThat(lines(files.get("etc/hosts"))).contains("192.0.2.10 web01");
    List<String> interfaces = files.get("etc/network/interfaces").lines().map(String::strip).toList();
    assertThat(interfaces).containsSubsequence("auto eth0", "iface eth0 inet static", "address 192.0.2.10",
        "netmask 255.255.255.0", "gateway 192.0.2.1");
  }

  @Test
  void leavesGatewayOutOfDebianInterfacesWhenNoneIsGiven() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("debian").bridge("xenbr7").build());

    String interfaces = renderer.guestFiles(WITHOUT_GATEWAY, IMAGE).get("etc/network/interfaces");

    assertThat(interfaces).contains("iface eth0 inet static").doesNotContain("gateway");
  }

  @Test
  void rendersDomainConfig() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge("xenbr7").build());

    List<String> config = lines(renderer.domainConfig(WITHOUT_GATEWAY, Path.of("/srv/xen/web02.img")));

    assertThat(config).contains("name = \"web02\"", "memory = 4194304", "vcpus = 16",
        "disk = [ 'format=raw, vdev=xvda, access=rw, target=/srv/xen/web02.img' ]",
        "vif = [ 'mac=00:16:3e:ab:cd:ef, bridge=xenbr7' ]");
  }

  @Test
  void refusesTemplateNamingUnknownVariableAtConstruction(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);
    Files.writeString(dir.resolve("rhel/etc/motd.ftl"), "Welcome to ${hostname} in ${datacentre}\n");

    assertThatThrownBy(() -> new TemplateRenderer(TestSettings.nowhere().templates(dir).family("rhel").bridge("xenbr7").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("provisioner.template-dir")
        .hasMessageContaining("motd.ftl");
  }

  @Test
  void refusesBrokenDomainConfigTemplateAtConstruction(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);
    Files.writeString(dir.resolve("xen/domain.cfg.ftl"), "name = \"${hostname}\"\nkernel = \"${kernel}\"\n");

    assertThatThrownBy(() -> new TemplateRenderer(TestSettings.nowhere().templates(dir).family("rhel").bridge("xenbr7").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("provisioner.template-dir");
  }

  @Test
  void checksEveryFamilysTemplatesAtConstructionWhenTheFamilyIsDetected(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);
    Files.writeString(dir.resolve("debian/etc/netplan/90-xen-provisioner.yaml.ftl"), "dns: ${nameserver}\n");

    assertThatThrownBy(() -> new TemplateRenderer(TestSettings.nowhere().templates(dir).family("auto").bridge("xenbr7").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("provisioner.template-dir")
        .hasMessageContaining("90-xen-provisioner.yaml.ftl");
  }

  @Test
  void rendersNetplanMatchingTheMacWithPrefixLength() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("debian").bridge("xenbr7").build());

    String netplan = renderer.guestFiles(WITHOUT_GATEWAY, IMAGE).get("etc/netplan/90-xen-provisioner.yaml");

    assertThat(netplan).contains("macaddress: \"00:16:3e:ab:cd:ef\"", "- 198.51.100.7/16").doesNotContain("via:");
  }

  @Test
  void acceptsCopiedTemplatesWithoutChange(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);

    assertThat(new TemplateRenderer(TestSettings.nowhere().templates(dir).family("debian").bridge("xenbr7").build()).guestFiles(WITH_GATEWAY, IMAGE)).hasSize(4);
  }

  @Test
  void rendersTheTemplatesBuiltIntoTheApplicationWhenNoDirectoryIsSet() {
    TemplateRenderer builtIn = new TemplateRenderer(TestSettings.nowhere().templates(null).family("auto").bridge("xenbr7").build());
    TemplateRenderer shipped = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("auto").bridge("xenbr7").build());

    for (String family : List.of("rhel", "debian")) {
      assertThat(builtIn.guestFiles(WITH_GATEWAY, IMAGE, family)).as(family).isEqualTo(shipped.guestFiles(WITH_GATEWAY, IMAGE, family));
    }
    assertThat(builtIn.domainConfig(WITH_GATEWAY, IMAGE)).isEqualTo(shipped.domainConfig(WITH_GATEWAY, IMAGE));
  }

  @Test
  void refusesAMissingTemplateDirectoryNamingTheSettingAndTheDirectory(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-templates");

    assertThatThrownBy(() -> new TemplateRenderer(TestSettings.nowhere().templates(missing).family("rhel").build()))
        .isInstanceOf(StartRefusedException.class)
        .hasMessage("provisioner.template-dir: " + missing + " is not a readable directory");
  }

  @Test
  void refusesADirectoryWithoutTheFamilysTemplatesBeforeAnyGuestRuns(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);
    deleteTree(dir.resolve("debian"));

    assertThatThrownBy(() -> new TemplateRenderer(TestSettings.nowhere().templates(dir).family("debian").build()))
        .isInstanceOf(StartRefusedException.class)
        .hasMessage("provisioner.template-dir: no templates for guest family 'debian' in " + dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(source -> {
        Path target = to.resolve(from.relativize(source).toString());
        try {
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
