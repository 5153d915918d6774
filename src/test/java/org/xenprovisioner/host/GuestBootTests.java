package org.xenprovisioner.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xenprovisioner.boot.BaseImageBuilder;
import org.xenprovisioner.boot.BootHost;
import org.xenprovisioner.boot.BootReport;
import org.xenprovisioner.boot.DebianRoot;
import org.xenprovisioner.boot.QemuBoot;
import org.xenprovisioner.testing.ApiClient;
import org.xenprovisioner.testing.RealAppTest;

/**
 * The proof that a guest we make boots as the VM list says: a real Debian 12 root (debootstrap,
 * cached; see {@link DebianRoot}) made a base image, two guests provisioned from it by the real
 * application over the API, then each guest's own image booted under QEMU (TCG, its own kernel and
 * initramfs, a NIC with its MAC, {@code net.ifnames=0} as Xen names the NIC eth0). What the guest
 * reports on its serial console once up (host name, NICs, route, /etc/hosts, machine-id, SSH host
 * keys, failed units) must be what the list asked for, with an identity of its own. The consoles
 * are kept in {@code target/boot-consoles/}.
 *
 * <p>Needs root, debootstrap, qemu-system-x86 and e2fsprogs: skipped with the reason without them,
 * failed instead with {@code PROVISIONER_REQUIRE_ROOT_TESTS=true} (as {@code .ci/run} sets).
 */
class GuestBootTests extends RealAppTest {

  private static final Path CONSOLES = Path.of("target", "boot-consoles");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("provisioner.guest-family", () -> "auto");
  }

  /** Per test, not in {@code @BeforeAll}: Surefire then reports the test skipped with the reason. */
  @BeforeEach
  void requireHost() {
    BootHost.assumeCanBuildAndBoot();
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.MINUTES) // debootstrap (once, 20 min at most) and two boots of 5 min at most
  void guestsMadeFromADebianBaseBootWithTheHostNameAddressAndIdentityTheListGaveThem() throws Exception {
    Instant start = Instant.now();
    DebianRoot debian = DebianRoot.obtain();
    Path base = root.resolve("base/base.img");
    Files.move(BaseImageBuilder.ext4(debian, root.resolve("base/debian.img")), base, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf("Debian root %s (%s), base image made: %d s%n", debian,
        debian.builtNow() ? "built now in " + debian.buildTime().toSeconds() + " s" : "from the cache",
        Duration.between(start, Instant.now()).toSeconds());

    ApiClient api = api();
    String id = api.submit("boot-proof", """
        hostname,ip,mac,netmask,gateway
        web01,10.77.0.11,00:16:3e:77:00:11,24,10.77.0.1
        db01,10.77.0.12,00:16:3e:77:00:12,255.255.255.0,10.77.0.1
        """);
    JsonNode batch = api.approveAndWait(id, null);
    assertThat(batch.get("state").asText()).as("%s", batch).isEqualTo("COMPLETED");
    System.out.printf("two guests provisioned: %d s since the start%n", Duration.between(start, Instant.now()).toSeconds());

    Map<String, BootReport> reports = new LinkedHashMap<>();
    reports.put("web01", boot("web01", "00:16:3e:77:00:11"));
    reports.put("db01", boot("db01", "00:16:3e:77:00:12"));

    checkGuest(reports.get("web01"), debian, "web01", "10.77.0.11", "00:16:3e:77:00:11");
    checkGuest(reports.get("db01"), debian, "db01", "10.77.0.12", "00:16:3e:77:00:12");
    assertThat(reports.get("web01").machineId()).as("machine-ids of the two guests").isNotEqualTo(reports.get("db01").machineId());
    List<String> keys = new ArrayList<>(reports.get("web01").sshHostKeys().values());
    assertThat(reports.get("db01").sshHostKeys().values()).as("SSH host keys of the two guests").doesNotContainAnyElementsOf(keys);
    System.out.printf("boot proof done in %d s%n", Duration.between(start, Instant.now()).toSeconds());
  }

  private BootReport boot(String hostname, String mac) throws IOException {
    QemuBoot.Result boot = new QemuBoot(root.resolve("images/" + hostname + ".img")).mac(mac).boot();
    Files.createDirectories(CONSOLES);
    Files.writeString(CONSOLES.resolve(hostname + ".log"), boot.console());
    System.out.printf("%s booted under TCG: report after %.1f s (guest uptime %.1f s), QEMU gone after %.1f s%n",
        hostname, boot.timeToReport().toMillis() / 1000.0, boot.report().uptimeSeconds(), boot.elapsed().toMillis() / 1000.0);
    return boot.report();
  }

  private static void checkGuest(BootReport report, DebianRoot base, String hostname, String ip, String mac) throws IOException {
    String console = "console of " + hostname + " in " + CONSOLES.resolve(hostname + ".log");
    assertThat(report.hostname()).as(console).isEqualTo(hostname);
    assertThat(report.interfaceWithMac(mac)).as(console).hasValueSatisfying(nic -> {
      assertThat(nic.name()).isEqualTo("eth0");
      assertThat(nic.ipv4()).containsExactly(ip + "/24");
    });
    assertThat(report.defaultRoute()).as(console).startsWith("default via 10.77.0.1 dev eth0");
    assertThat(report.hostsLines()).as(console).contains(ip + " " + hostname);
    assertThat(report.machineId()).as(console).matches("[0-9a-f]{32}").isNotEqualTo(base.machineId());
    Map<String, String> baseKeys = base.sshHostKeyFingerprints();
    assertThat(report.sshHostKeys()).as(console).containsOnlyKeys(baseKeys.keySet());
    assertThat(report.sshHostKeys().values()).as(console + ": made at first boot").doesNotContainAnyElementsOf(baseKeys.values());
    assertThat(report.failedUnits()).as(console).isEmpty();
  }
}
