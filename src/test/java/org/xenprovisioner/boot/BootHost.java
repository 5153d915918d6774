package org.xenprovisioner.boot;

import java.util.List;
import org.xenprovisioner.testing.HostTools;
import org.xenprovisioner.testing.RealHost;

/**
 * What the boot tests need of this machine: root (debootstrap, chroot), debootstrap, QEMU and
 * e2fsprogs. Where something is missing the tests are skipped with the reason; with
 * {@code PROVISIONER_REQUIRE_ROOT_TESTS=true} (set by {@code .ci/run}) they fail instead, as
 * {@link RealHost#assumeLoopDevicesUsable()} does for the tests on real images.
 */
public final class BootHost {

  /** Command, and the Debian package that brings it (for the messages). */
  private static final List<String[]> TOOLS = List.of(
      new String[] {"debootstrap", "debootstrap"},
      new String[] {"qemu-system-x86_64", "qemu-system-x86"},
      new String[] {"mkfs.ext4", "e2fsprogs"},
      new String[] {"debugfs", "e2fsprogs"},
      new String[] {"chroot", "coreutils"},
      new String[] {"truncate", "coreutils"},
      new String[] {"umount", "mount"});

  private BootHost() {
  }

  /** Skips the calling test (or fails it, when the tests are mandatory) unless a Debian root can be built and booted here. */
  public static void assumeCanBuildAndBoot() {
    HostTools.skipOrFail(missing(), RealHost.REQUIRED, "the boot tests",
        " (run as root with debootstrap, qemu-system-x86 and e2fsprogs installed to include the boot tests)");
  }

  private static String missing() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not running as root (debootstrap and chroot need it)";
    }
    for (String[] tool : TOOLS) {
      if (HostTools.find(tool[0]) == null) {
        return "the command " + tool[0] + " is not installed (Debian package " + tool[1] + ")";
      }
    }
    return null;
  }
}
