package org.xenprovisioner.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

/** The report as a guest prints it on a serial console, among the console's other output. */
class BootReportTests {

  private static final String CONSOLE = String.join("\r\n",
      "[    0.000000] Linux version 6.1.0-28-amd64",
      "debian-base login: XENPROV report-begin",
      "XENPROV hostname=web01",
      "XENPROV interface=eth0 mac=00:16:3E:00:00:01 ipv4=10.0.0.11/24,10.0.0.12/24",
      "XENPROV interface=lo mac=00:00:00:00:00:00 ipv4=127.0.0.1/8",
      "XENPROV interface=eth1 mac=00:16:3e:00:00:02 ipv4=",
      "XENPROV default-route=default via 10.0.0.1 dev eth0",
      "XENPROV machine-id=0123456789abcdef0123456789abcdef",
      "XENPROV ssh-host-key=ECDSA SHA256:Jmu+LGeuLEuf7kTQPGShMe+3to/hzQ5NmXCT0qVEBfc",
      "XENPROV ssh-host-key=ED25519 SHA256:3ztF+7pcUGBzk7f8lxTtgKL3JnVB+DHCxHqjuq5B96o",
      "XENPROV hosts-line=10.0.0.11\tweb01",
      "XENPROV failed-units=networking.service,ssh.service",
      "XENPROV uptime=21.53",
      "XENPROV future-field=ignored",
      "XENPROV report-end",
      "[   22.100000] reboot: Power down",
      "");

  @Test
  void readsEveryFieldOfTheReport() {
    BootReport report = BootReport.parse(CONSOLE);

    assertThat(report.hostname()).isEqualTo("web01");
    assertThat(report.interfaces()).containsOnlyKeys("eth0", "lo", "eth1");
    assertThat(report.interfaceWithMac("00-16-3E-00-00-01")).hasValueSatisfying(nic -> {
      assertThat(nic.name()).isEqualTo("eth0");
      assertThat(nic.ipv4()).containsExactly("10.0.0.11/24", "10.0.0.12/24");
      assertThat(nic.addresses()).containsExactly("10.0.0.11", "10.0.0.12");
    });
    assertThat(report.interfaces().get("eth1").ipv4()).isEmpty();
    assertThat(report.defaultRoute()).isEqualTo("default via 10.0.0.1 dev eth0");
    assertThat(report.machineId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(report.sshHostKeys()).containsExactly(
        entry("ECDSA", "SHA256:Jmu+LGeuLEuf7kTQPGShMe+3to/hzQ5NmXCT0qVEBfc"),
        entry("ED25519", "SHA256:3ztF+7pcUGBzk7f8lxTtgKL3JnVB+DHCxHqjuq5B96o"));
    assertThat(report.hostsLines()).containsExactly("10.0.0.11 web01");
    assertThat(report.failedUnits()).containsExactly("networking.service", "ssh.service");
    assertThat(report.uptimeSeconds()).isEqualTo(21.53);
  }

  @Test
  void aReportCutOffBeforeItsEndIsNoReport() {
    String cut = CONSOLE.substring(0, CONSOLE.indexOf("XENPROV report-end"));

    assertThat(BootReport.isComplete(cut)).isFalse();
    assertThat(BootReport.isComplete(CONSOLE)).isTrue();
    assertThatThrownBy(() -> BootReport.parse(cut)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no complete report");
  }

  @Test
  void fingerprintsAreThoseSshKeygenPrints() {
    // ssh-keygen -l -f of this ed25519 public key prints SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU
    assertThat(DebianRoot.fingerprint("AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"))
        .isEqualTo("SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU");
    assertThat(DebianRoot.keyType("ecdsa-sha2-nistp256")).isEqualTo("ECDSA");
    assertThat(DebianRoot.keyType("ssh-ed25519")).isEqualTo("ED25519");
  }
}
