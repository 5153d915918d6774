package org.xenprovisioner.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * The boot harness on its own: a real Debian root ({@link DebianRoot}, built once and cached), a
 * base image of it, booted under QEMU (TCG). The base reports its own identity; a copy whose SSH
 * host keys are deleted and whose machine-id is emptied (what the provisioner does to each guest)
 * makes new ones at first boot. Needs root, debootstrap and qemu-system-x86; skipped without them
 * unless {@code PROVISIONER_REQUIRE_ROOT_TESTS=true}. The serial consoles are kept in
 * {@code target/boot-consoles/}.
 */
class BaseImageBootTests {

  private static final CommandRunner RUNNER = new CommandRunner();

  @TempDir
  static Path work;
  private static DebianRoot root;
  private static Path baseImage;

  private static Throwable buildFailure;

  /**
   * Per test rather than in {@code @BeforeAll}, so that each test is reported skipped with the
   * reason (Surefire reports a class aborted in {@code @BeforeAll} as zero tests, without it).
   */
  @BeforeEach
  void requireHostAndBaseImage() throws Throwable {
    BootHost.assumeCanBuildAndBoot();
    if (buildFailure != null) {
      throw new AssertionError("the base image could not be built (see the first test's failure)", buildFailure);
    }
    if (baseImage == null) {
      try {
        buildBaseImage();
      } catch (Throwable e) {
        buildFailure = e;
        throw e;
      }
    }
  }

  private static void buildBaseImage() throws IOException {
    root = DebianRoot.obtain();
    System.out.printf("Debian root %s: %s (debootstrap %d s, whole build %d s)%n", root,
        root.builtNow() ? "built now" : "from the cache", root.debootstrapTime().toSeconds(), root.buildTime().toSeconds());
    Instant start = Instant.now();
    baseImage = BaseImageBuilder.ext4(root, work.resolve("base.img"));
    System.out.printf("base image %s made in %d ms%n", baseImage, Duration.between(start, Instant.now()).toMillis());
  }

  @Test
  void theBaseImageBootsAndReportsItsOwnIdentity() throws IOException {
    String mac = "52:54:00:a1:b2:c3";

    QemuBoot.Result boot = boot(baseImage, mac, "base");

    BootReport report = boot.report();
    assertThat(report.hostname()).as(console(boot)).isEqualTo(DebianRoot.HOSTNAME);
    assertThat(report.interfaces()).as(console(boot)).containsKey("eth0");
    assertThat(report.interfaceWithMac(mac)).as(console(boot)).hasValueSatisfying(nic -> {
      assertThat(nic.name()).isEqualTo("eth0");
      assertThat(nic.ipv4()).as("DHCP address of QEMU's user network on eth0").isNotEmpty();
    });
    assertThat(report.machineId()).as(console(boot)).matches("[0-9a-f]{32}").isEqualTo(root.machineId());
    assertThat(report.sshHostKeys()).as(console(boot)).isNotEmpty().isEqualTo(root.sshHostKeyFingerprints());
    assertThat(report.hostsLines()).as(console(boot)).anyMatch(line -> line.startsWith("127.0.1.1 "));
    assertThat(report.failedUnits()).as(console(boot)).isEmpty();
  }

  /**
   * What the provisioner does to a guest's identity files, done here with {@code debugfs -w} on a
   * copy: the guest must make a new machine-id and new SSH host keys at its first boot (the ssh
   * drop-in of the base, {@code ssh-keygen -A}; systemd for the machine-id) and start sshd.
   */
  @Test
  void aCopyWithoutSshHostKeysAndWithAnEmptyMachineIdMakesNewOnes() throws IOException {
    Path copy = work.resolve("clone.img");
    RUNNER.run(Command.of(Duration.ofMinutes(5), "cp", "--sparse=always", baseImage.toString(), copy.toString()));
    wipeIdentity(copy);
    String mac = "00:16:3e:5e:a1:01";

    QemuBoot.Result boot = boot(copy, mac, "clone");

    BootReport report = boot.report();
    Map<String, String> baseKeys = root.sshHostKeyFingerprints();
    assertThat(report.interfaceWithMac(mac)).as(console(boot)).hasValueSatisfying(nic -> assertThat(nic.name()).isEqualTo("eth0"));
    assertThat(report.machineId()).as(console(boot)).matches("[0-9a-f]{32}").isNotEqualTo(root.machineId());
    assertThat(report.sshHostKeys()).as(console(boot)).containsOnlyKeys(baseKeys.keySet());
    assertThat(report.sshHostKeys().values()).as(console(boot)).doesNotContainAnyElementsOf(baseKeys.values());
    assertThat(report.failedUnits()).as(console(boot)).isEmpty();
  }

  @Test
  void aGuestThatDoesNotReportInTimeIsKilledAndSaysWhatTheConsoleShowed() {
    QemuBoot tooShort = new QemuBoot(baseImage).timeout(Duration.ofSeconds(3));

    assertThatThrownBy(tooShort::boot).isInstanceOf(QemuBoot.BootFailedException.class)
        .hasMessageContaining("did not report within 3 s: QEMU killed")
        .hasMessageContaining("--- last lines of the serial console ---");
    assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
        .filter(line -> line.contains("qemu-system") && line.contains(baseImage.toString())).isPresent()))
        .as("QEMU processes left running on the base image").isEmpty();
  }

  private static QemuBoot.Result boot(Path image, String mac, String name) throws IOException {
    QemuBoot.Result boot = new QemuBoot(image).mac(mac).boot();
    Path consoles = Files.createDirectories(Path.of("target", "boot-consoles"));
    Files.writeString(consoles.resolve(name + ".log"), boot.console());
    System.out.printf("%s booted under TCG: report after %.1f s (guest uptime %.1f s), QEMU gone after %.1f s%n  %s%n",
        name, boot.timeToReport().toMillis() / 1000.0, boot.report().uptimeSeconds(), boot.elapsed().toMillis() / 1000.0,
        String.join(" ", boot.command()));
    return boot;
  }

  /** Deletes /etc/ssh/ssh_host_* and replaces /etc/machine-id by an empty file, without mounting. */
  private static void wipeIdentity(Path image) throws IOException {
    List<String> requests = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.tree().resolve("etc/ssh"))) {
      files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith("ssh_host_")).sorted()
          .forEach(name -> requests.add("rm /etc/ssh/" + name));
    }
    Path empty = Files.createFile(work.resolve("empty-machine-id"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("r--r--r--")));
    requests.add("rm /etc/machine-id");
    requests.add("write " + empty + " /etc/machine-id");
    Path script = Files.write(work.resolve("wipe.debugfs"), requests);
    RUNNER.run(Command.of(Duration.ofSeconds(60), "debugfs", "-w", "-f", script.toString(), image.toString()));
    assertThat(RUNNER.run(Command.of(Duration.ofSeconds(60), "debugfs", "-R", "ls -l /etc/ssh", image.toString())).stdout())
        .doesNotContain("ssh_host_");
  }

  private static String console(QemuBoot.Result boot) {
    return "serial console:\n" + QemuBoot.lastLines(boot.console(), 80);
  }
}
