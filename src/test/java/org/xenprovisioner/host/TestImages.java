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
    return rhelBase(dir, 64, 0);
  }

  /**
   * A sparse ext4 image of {@code imageMiB} with the RHEL-like tree plus {@code extraDataMiB} of
   * random data (so a copy really reads and writes that much), built in {@code dir} as base.img.
   */
  public static Path rhelBase(Path dir, int imageMiB, int extraDataMiB) throws IOException {
    Path tree = dir.resolve("tree");
    deleteTree(tree);
    if (extraDataMiB > 0) {
      Files.createDirectories(tree.resolve("var/lib/bulk"));
      byte[] chunk = new byte[1024 * 1024];
      Random random = new Random(7);
      try (var out = Files.newOutputStream(tree.resolve("var/lib/bulk/bulk.bin"))) {
        for (int i = 0; i < extraDataMiB; i++) {
          random.nextBytes(chunk);
          out.write(chunk);
        }
      }
    }
    return rhelTree(dir, imageMiB);
  }

  private static Path rhelTree(Path dir, int imageMiB) throws IOException {
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
    Files.deleteIfExists(image);
    RealHost.run("truncate", "-s", imageMiB + "M", image.toString());
    RealHost.run("mkfs.ext4", "-q", "-F", "-L", "base", "-d", tree.toString(), image.toString());
    return image;
  }

  /**
   * A base image whose file system is full to the last block (no reserved blocks either): the
   * guest's files cannot be written into a copy of it.
   */
  public static Path fullRhelBase(Path dir, Path mountPoint) throws IOException {
    deleteTree(dir.resolve("tree"));
    Path image = rhelTree(dir, 16);
    RealHost.run("tune2fs", "-m", "0", image.toString());
    Files.createDirectories(mountPoint);
    RealHost.run("mount", "-o", "loop", image.toString(), mountPoint.toString());
    try {
      // delayed allocation reserves more than it uses: fill, sync, and fill again until nothing is free
      // (ext4 keeps a few clusters for metadata that data cannot use; statvfs counts them as free)
      for (int round = 0; round < 5; round++) {
        try (var out = Files.newOutputStream(mountPoint.resolve("filler" + round))) {
          byte[] chunk = new byte[4096];
          while (true) {
            out.write(chunk);
          }
        } catch (IOException full) {
          // "No space left on device": what we wanted
        }
        RealHost.run("sync", "-f", mountPoint.toString());
      }
      // small file systems have 1 KiB blocks: take the last ones with one-byte files
      try {
        for (int i = 0; i < 10_000; i++) {
          Files.write(mountPoint.resolve("crumb" + i), new byte[1]);
        }
      } catch (IOException full) {
        // no block left
      }
      RealHost.run("sync", "-f", mountPoint.toString());
      Path probe = mountPoint.resolve("probe");
      boolean written;
      try {
        Files.write(probe, new byte[1]);
        RealHost.run("sync", "-f", probe.toString());
        written = true;
      } catch (IOException full) {
        written = false;
      }
      Files.deleteIfExists(probe);
      if (written) {
        throw new IOException("could not fill " + image + ": a one-byte file still fits");
      }
    } finally {
      RealHost.run("umount", "-d", mountPoint.toString());
    }
    return image;
  }

  private static void deleteTree(Path tree) throws IOException {
    if (Files.exists(tree)) {
      try (var files = Files.walk(tree)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
