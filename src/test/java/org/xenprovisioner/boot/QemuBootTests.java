package org.xenprovisioner.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenprovisioner.testing.TestImages;

/**
 * The harness itself, on an image that holds only the Debian root's kernel and initramfs (a boot
 * that can never report): QEMU is killed when the guest does not report in time, and the failure
 * shows the console. The guests that do report are booted by {@code host.GuestBootTests}.
 */
class QemuBootTests {

  @TempDir
  Path work;

  @BeforeEach
  void requireHost() {
    BootHost.assumeCanBuildAndBoot();
  }

  @Test
  void aGuestThatDoesNotReportInTimeIsKilledAndSaysWhatTheConsoleShowed() throws IOException {
    Path image = kernelOnlyImage(DebianRoot.obtain());
    QemuBoot tooShort = new QemuBoot(image).timeout(Duration.ofSeconds(3));

    assertThatThrownBy(tooShort::boot).isInstanceOf(QemuBoot.BootFailedException.class)
        .hasMessageContaining("did not report within 3 s: QEMU killed")
        .hasMessageContaining("--- last lines of the serial console ---");
    assertThat(ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
        .filter(line -> line.contains("qemu-system") && line.contains(image.toString())).isPresent()))
        .as("QEMU processes left running on the image").isEmpty();
  }

  /** A small ext4 image of the tree's /boot (kernel and initramfs), without the 600 MB rest. */
  private Path kernelOnlyImage(DebianRoot root) throws IOException {
    Path boot = Files.createDirectories(work.resolve("tree/boot"));
    for (String name : new String[] {"vmlinuz-", "initrd.img-"}) {
      Files.copy(root.tree().resolve("boot/" + name + root.kernelRelease()), boot.resolve(name + root.kernelRelease()));
    }
    return TestImages.ext4(work.resolve("kernel-only.img"), work.resolve("tree"), 64L << 20);
  }
}
