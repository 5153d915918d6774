package org.xenprovisioner.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenprovisioner.host.command.CommandResult;
import org.xenprovisioner.host.files.TemplateRenderer;
import org.xenprovisioner.intake.Guest;
import org.xenprovisioner.intake.GuestDefaults;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.intake.XenMacs;
import org.xenprovisioner.testing.TestSettings;

/**
 * Every domain config step 6 can write, read by xl itself ({@link XlDryRun}): the shipped template
 * for each guest family, rows with and without memory and vCPUs (the defaults), a MAC the batch
 * assigned, other bridges and image directories. What xl would build must be what the row asked for.
 */
class XlParserTests {

  private static final String OWNER = "batch 20261203-090000-0a1b, guest web01";
  private static final String VM_LIST = """
      hostname,ip,mac,netmask,gateway,memory,vcpus
      web01,192.0.2.11,00:16:3E:12:34:56,24,192.0.2.1,2048,4
      db01,192.0.2.12,00-16-3e-12-34-57,,,,
      app01,192.0.2.13,,255.255.255.0,192.0.2.1,768,
      """;

  @TempDir
  static Path work;
  private static XlDryRun xl;

  @BeforeAll
  static void buildStub() throws IOException {
    xl = XlDryRun.in(work);
  }

  private static List<Guest> guests() {
    List<Guest> rows = new VmListParser(new GuestDefaults("255.255.255.0", null, 512, 1), 10).parse(VM_LIST).guests();
    // app01 left its MAC empty: the batch API assigns one
    return rows.stream().map(g -> g.mac() == null ? g.withMac(XenMacs.assign(g.hostname(), Set.of())) : g).toList();
  }

  private static Path write(TemplateRenderer templates, Guest guest, Path imageDir, String subdir) throws IOException {
    Path dir = Files.createDirectories(work.resolve(subdir));
    Path config = dir.resolve(guest.hostname() + ".cfg");
    Files.writeString(config, templates.domainConfig(guest, imageDir.resolve(guest.hostname() + ".img"), OWNER));
    return config;
  }

  @ParameterizedTest
  @ValueSource(strings = {"rhel", "debian", "cloud-init", "auto"})
  void xlTakesTheDomainConfigOfEveryRowAsTheListGaveIt(String family) throws IOException {
    TemplateRenderer templates = new TemplateRenderer(TestSettings.nowhere().family(family).build());
    for (Guest guest : guests()) {
      XlDryRun.Domain domain = xl.parse(write(templates, guest, Path.of("/srv/xen"), family));

      assertThat(domain.name()).isEqualTo(guest.hostname());
      assertThat(domain.type()).as("a PV guest").isEqualTo("pv");
      assertThat(domain.bootloader()).isEqualTo("pygrub");
      assertThat(domain.memoryMiB()).isEqualTo(guest.memory());
      assertThat(domain.vcpus()).isEqualTo(guest.vcpus());
      assertThat(domain.disks()).singleElement().satisfies(disk -> {
        assertThat(disk.path("pdev_path").asText()).isEqualTo("/srv/xen/" + guest.hostname() + ".img");
        assertThat(disk.path("format").asText()).isEqualTo("raw");
        assertThat(disk.path("vdev").asText()).isEqualTo("xvda");
        assertThat(disk.path("readwrite").asInt()).isEqualTo(1);
      });
      assertThat(domain.nics()).singleElement().satisfies(nic -> {
        assertThat(nic.path("mac").asText()).isEqualTo(guest.mac()).matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
        assertThat(nic.path("bridge").asText()).isEqualTo("xenbr0");
      });
      assertThat(domain.json().path("on_reboot").asText()).isEqualTo("restart");
    }
    Guest web01 = guests().get(0);
    assertThat(web01.memory()).as("the row's own values").isEqualTo(2048);
    assertThat(guests().get(1).memory()).as("the defaults").isEqualTo(512);
  }

  @Test
  void otherBridgesAndImageDirectoriesAreWhatXlReads() throws IOException {
    TemplateRenderer templates = new TemplateRenderer(TestSettings.nowhere().bridge("br-guests.10").build());
    Path imageDir = Path.of("/var/lib/xen/guest images+2");
    XlDryRun.Domain domain = xl.parse(write(templates, guests().get(0), imageDir, "elsewhere"));

    assertThat(domain.disks().get(0).path("pdev_path").asText()).isEqualTo(imageDir.resolve("web01.img").toString());
    assertThat(domain.nics().get(0).path("bridge").asText()).isEqualTo("br-guests.10");
    // what xl would read differently (a quote ends the disk spec, a comma starts a key) is never written
    for (String dir : List.of("/srv/xen'],disk=['/dev/sda", "/srv/xen,web")) {
      assertThatThrownBy(() -> write(templates, guests().get(0), Path.of(dir), "refused"))
          .hasMessageContaining("may not be written into a guest file or domain config");
    }
  }

  /** What the check catches that xl's exit code alone would not. */
  @Test
  void aWarningIsAFailureNotOnlyAnExitCode(@TempDir Path dir) throws IOException {
    String good = Files.readString(write(new TemplateRenderer(TestSettings.nowhere().build()), guests().get(0), Path.of("/srv/xen"), "good"));
    List<String> mistakes = List.of(
        good.replace("bridge=", "brige="),                       // an unknown vif key: a warning, exit 0
        good.replaceFirst("memory = \\d+", "memory = \"2048M\""), // a string memory: a warning, exit 0
        good.replace("format=raw", "format=rwa"));                // an unknown format: an error
    for (int i = 0; i < mistakes.size(); i++) {
      Path config = Files.writeString(dir.resolve("mistake" + i + ".cfg"), mistakes.get(i));
      CommandResult verdict = xl.run(config);
      assertThat(verdict.stderr()).as("xl's own messages on %s", mistakes.get(i)).contains("Parsing config from");
      assertThatThrownBy(() -> xl.parse(config)).as("mistake %d", i).isInstanceOf(AssertionError.class)
          .hasMessageContaining("xl does not take");
    }
    assertThat(xl.run(dir.resolve("mistake0.cfg")).exitCode()).as("xl exits 0 on the unknown vif key").isZero();
  }

  @Test
  void theDomainXlWouldBuildIsJson() throws IOException {
    JsonNode json = xl.parse(write(new TemplateRenderer(TestSettings.nowhere().build()), guests().get(2), Path.of("/srv/xen"), "json")).json();
    assertThat(json.path("nics").get(0).path("mac").asText()).startsWith("00:16:3e:");
  }
}
