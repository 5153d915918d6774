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
import org.xenprovisioner.StartRefusedException;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.testing.TestSettings;
import org.yaml.snakeyaml.Yaml;

class TemplateRendererTests {

  private static final Path TEMPLATES = Path.of("config/templates");
  private static final Path IMAGE = Path.of("/srv/xen/web01.img");
  private static final String OWNER = "batch 20261127-101500-0a1b, guest web01";
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

    Map<String, String> files = renderer.guestFiles(WITH_GATEWAY, IMAGE, OWNER);

    assertThat(files).containsOnlyKeys("etc/hostname", "etc/hosts", "etc/sysconfig/network",
        "etc/sysconfig/network-scripts/ifcfg-eth0", "etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg");
    assertThat(lines(files.get("etc/sysconfig/network"))).contains("HOSTNAME=web01", "GATEWAY=192.0.2.1");
    assertThat(lines(files.get("etc/sysconfig/network-scripts/ifcfg-eth0"))).contains("DEVICE=eth0",
        "BOOTPROTO=static", "HWADDR=00:16:3e:12:34:56", "IPADDR=192.0.2.10", "NETMASK=255.255.255.0", "ONBOOT=yes");
    assertThat(lines(files.get("etc/hosts"))).contains("192.0.2.10 web01");
    assertThat(files.get("etc/hostname").strip()).isEqualTo("web01");
  }

  @Test
  void leavesGatewayOutOfRhelFilesWhenNoneIsGiven() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge("xenbr7").build());

    Map<String, String> files = renderer.guestFiles(WITHOUT_GATEWAY, Path.of("/srv/xen/web02.img"), OWNER);

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

    Map<String, String> files = renderer.guestFiles(WITH_GATEWAY, IMAGE, OWNER);

    assertThat(files).containsOnlyKeys("etc/hostname", "etc/hosts", "etc/network/interfaces",
        "etc/netplan/90-xen-provisioner.yaml", "etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg");
    assertThat(files.get("etc/hostname").strip()).isEqualTo("web01");
    assertThat(lines(files.get("etc/hosts"))).contains("192.0.2.10 web01");
    List<String> interfaces = files.get("etc/network/interfaces").lines().map(String::strip).toList();
    assertThat(interfaces).containsSubsequence("auto eth0", "iface eth0 inet static", "address 192.0.2.10",
        "netmask 255.255.255.0", "gateway 192.0.2.1");
  }

  @Test
  void leavesGatewayOutOfDebianInterfacesWhenNoneIsGiven() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("debian").bridge("xenbr7").build());

    String interfaces = renderer.guestFiles(WITHOUT_GATEWAY, IMAGE, OWNER).get("etc/network/interfaces");

    assertThat(interfaces).contains("iface eth0 inet static").doesNotContain("gateway");
  }

  @Test
  void rendersDomainConfig() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("rhel").bridge("xenbr7").build());

    List<String> config = lines(renderer.domainConfig(WITHOUT_GATEWAY, Path.of("/srv/xen/web02.img"), OWNER));

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

    String netplan = renderer.guestFiles(WITHOUT_GATEWAY, IMAGE, OWNER).get("etc/netplan/90-xen-provisioner.yaml");

    assertThat(netplan).contains("macaddress: \"00:16:3e:ab:cd:ef\"", "- 198.51.100.7/16").doesNotContain("via:");
  }

  @Test
  void acceptsCopiedTemplatesWithoutChange(@TempDir Path dir) throws IOException {
    copyTree(TEMPLATES, dir);

    assertThat(new TemplateRenderer(TestSettings.nowhere().templates(dir).family("debian").bridge("xenbr7").build()).guestFiles(WITH_GATEWAY, IMAGE, OWNER)).hasSize(5);
  }

  @Test
  void rendersTheTemplatesBuiltIntoTheApplicationWhenNoDirectoryIsSet() {
    TemplateRenderer builtIn = new TemplateRenderer(TestSettings.nowhere().templates(null).family("auto").bridge("xenbr7").build());
    TemplateRenderer shipped = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("auto").bridge("xenbr7").build());

    for (String family : List.of("rhel", "debian")) {
      assertThat(builtIn.guestFiles(WITH_GATEWAY, IMAGE, OWNER, family)).as(family).isEqualTo(shipped.guestFiles(WITH_GATEWAY, IMAGE, OWNER, family));
    }
    assertThat(builtIn.domainConfig(WITH_GATEWAY, IMAGE, OWNER)).isEqualTo(shipped.domainConfig(WITH_GATEWAY, IMAGE, OWNER));
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

  @Test
  @SuppressWarnings("unchecked")
  void rendersANoCloudSeedWhoseNetworkConfigMatchesTheNicByMac() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("cloud-init").bridge("xenbr7").build());

    Map<String, String> files = renderer.guestFiles(WITH_GATEWAY, IMAGE, OWNER);

    assertThat(files).containsOnlyKeys("etc/hostname", "etc/hosts", "etc/cloud/cloud.cfg.d/99-xen-provisioner.cfg",
        "var/lib/cloud/seed/nocloud/meta-data", "var/lib/cloud/seed/nocloud/user-data",
        "var/lib/cloud/seed/nocloud/network-config");
    Map<String, Object> metaData = new Yaml().load(files.get("var/lib/cloud/seed/nocloud/meta-data"));
    assertThat(metaData).containsEntry("instance-id", TemplateRenderer.instanceId(WITH_GATEWAY, OWNER))
        .containsEntry("local-hostname", "web01");
    Map<String, Object> network = new Yaml().load(files.get("var/lib/cloud/seed/nocloud/network-config"));
    assertThat(network).containsEntry("version", 2);
    Map<String, Object> nic = (Map<String, Object>) ((Map<String, Object>) network.get("ethernets")).get("eth0");
    assertThat(nic).containsEntry("match", Map.of("macaddress", "00:16:3e:12:34:56"))
        .containsEntry("addresses", List.of("192.0.2.10/24"))
        .containsEntry("routes", List.of(Map.of("to", "0.0.0.0/0", "via", "192.0.2.1")));
    Map<String, Object> userData = new Yaml().load(files.get("var/lib/cloud/seed/nocloud/user-data"));
    assertThat(files.get("var/lib/cloud/seed/nocloud/user-data")).startsWith("#cloud-config\n");
    assertThat(userData).containsEntry("manage_etc_hosts", false).containsEntry("preserve_hostname", false);
  }

  @Test
  void leavesTheRouteOutOfTheSeedWhenNoGatewayIsGiven() {
    TemplateRenderer renderer = new TemplateRenderer(TestSettings.nowhere().templates(TEMPLATES).family("cloud-init").bridge("xenbr7").build());

    String network = renderer.guestFiles(WITHOUT_GATEWAY, IMAGE, OWNER).get("var/lib/cloud/seed/nocloud/network-config");

    assertThat(network).contains("- 198.51.100.7/16").doesNotContain("routes", "via");
  }

  @Test
  void givesEveryProvisioningOfAGuestItsOwnInstanceId() {
    String first = TemplateRenderer.instanceId(WITH_GATEWAY, "batch 20261127-101500-0a1b, guest web01");
    String again = TemplateRenderer.instanceId(WITH_GATEWAY, "batch 20261203-090000-77c2, guest web01");

    assertThat(first).matches("xenprov-web01-[0-9a-f]{12}").isNotEqualTo(again)
        .isEqualTo(TemplateRenderer.instanceId(WITH_GATEWAY, "batch 20261127-101500-0a1b, guest web01"));
  }
}
