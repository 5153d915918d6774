package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small real base images, built the way an operator would: a RHEL-like tree put into a sparse ext4 file. */
public final class TestImages {

  private TestImages() {
  }

  /** A 64 MiB sparse ext4 image holding a RHEL-like /etc and 2 MiB of data. */
  public static Path rhelBase(Path dir) throws IOException {
    Path tree = dir.resolve("tree");
    write(tree.resolve("etc/redhat-release"), "CentOS Linux release 7.9.2009 (Core)\n");
    write(tree.resolve("etc/hostname"), "base\n");
    write(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.5 base\n");
    write(tree.resolve("etc/sysconfig/network"), "NETWORKING=yes\nHOSTNAME=base\n");
    write(tree.resolve("etc/sysconfig/network-scripts/ifcfg-eth0"),
        "DEVICE=eth0\nBOOTPROTO=dhcp\nHWADDR=00:16:3e:aa:bb:cc\nONBOOT=yes\n");
    write(tree.resolve("etc/udev/rules.d/70-persistent-net.rules"),
        "SUBSYSTEM==\"net\", ATTR{address}==\"00:16:3e:aa:bb:cc\", NAME=\"eth0\"\n");
    byte[] data = new byte[2 * 1024 * 1024];
    new Random(42).nextBytes(data);
    Files.createDirectories(tree.resolve("var/lib/app"));
    Files.write(tree.resolve("var/lib/app/data.bin"), data);
    Path image = dir.resolve("base.img");
    RealHost.run("truncate", "-s", "64M", image.toString());
    RealHost.run("mkfs.ext4", "-q", "-F", "-L", "base", "-d", tree.toString(), image.toString());
    return image;
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
