package org.xenprovisioner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
    return rhelImage(dir, imageMiB);
  }

  private static Path rhelImage(Path dir, int imageMiB) throws IOException {
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

  /** GPT type of a Linux file system partition, and its MBR counterpart. */
  public static final String GPT_LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
  public static final String GPT_LVM = "E6D6D379-F507-44C2-A23C-238F2A3DF928";
  private static final long MIB = 1024 * 1024;

  /** A Debian-like root tree: release file, network config, SSH host keys, machine id; netplan optional. */
  public static Path debianTree(Path dir, boolean netplan, long dataBytes) throws IOException {
    Path tree = dir.resolve("debian-tree");
    write(tree.resolve("etc/debian_version"), "12.8\n");
    write(tree.resolve("etc/hostname"), "base\n");
    write(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n10.0.0.5 base\n");
    write(tree.resolve("etc/network/interfaces"), "auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\n");
    if (netplan) {
      write(tree.resolve("etc/netplan/50-cloud-init.yaml"), "network:\n  version: 2\n  ethernets:\n    enX0:\n      dhcp4: true\n");
    }
    for (String key : List.of("rsa", "ecdsa", "ed25519")) {
      write(tree.resolve("etc/ssh/ssh_host_" + key + "_key"), "-----BEGIN OPENSSH PRIVATE KEY-----\nbase\n");
      write(tree.resolve("etc/ssh/ssh_host_" + key + "_key.pub"), "ssh-" + key + " AAAAbase root@base\n");
    }
    write(tree.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
    write(tree.resolve("etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
    Files.createDirectories(tree.resolve("var/lib/dbus"));
    Files.createSymbolicLink(tree.resolve("var/lib/dbus/machine-id"), Path.of("/etc/machine-id"));
    write(tree.resolve("etc/udev/rules.d/70-persistent-net.rules"),
        "SUBSYSTEM==\"net\", ATTR{address}==\"00:16:3e:aa:bb:cc\", NAME=\"eth0\"\n");
    Files.createDirectories(tree.resolve("var/lib/app"));
    writeData(tree.resolve("var/lib/app/data.bin"), dataBytes);
    return tree;
  }

  /** A RHEL-like root tree at {@code <dir>/rhel-tree}: release file, network config, SSH host key, machine id; cloud-init optional. */
  public static Path rhelTree(Path dir, String release, boolean cloudInit) throws IOException {
    Path tree = dir.resolve("rhel-tree");
    write(tree.resolve("etc/redhat-release"), release + "\n");
    write(tree.resolve("etc/hostname"), "localhost.localdomain\n");
    write(tree.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    write(tree.resolve("etc/sysconfig/network"), "NETWORKING=yes\n");
    write(tree.resolve("etc/sysconfig/network-scripts/ifcfg-eth0"), "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n");
    write(tree.resolve("etc/machine-id"), "fedcba9876543210fedcba9876543210\n");
    write(tree.resolve("etc/ssh/ssh_host_ed25519_key"), "-----BEGIN OPENSSH PRIVATE KEY-----\nbase\n");
    write(tree.resolve("etc/fstab"), "UUID=... / xfs defaults 0 0\n");
    if (cloudInit) {
      withCloudInit(tree);
    }
    return tree;
  }

  /** What tells a guest has cloud-init: its configuration and its program (a stand-in here). */
  public static void withCloudInit(Path tree) throws IOException {
    write(tree.resolve("etc/cloud/cloud.cfg"), "datasource_list: [ NoCloud, ConfigDrive, OpenStack, Ec2, None ]\n");
    write(tree.resolve("usr/bin/cloud-init"), "#!/bin/sh\n");
    Files.createDirectories(tree.resolve("var/lib/cloud"));
  }

  /** A sparse ext4 file system image of the tree. */
  public static Path ext4(Path image, Path tree, long bytes) {
    RealHost.run("truncate", "-s", Long.toString(bytes), image.toString());
    RealHost.run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), image.toString());
    return image;
  }

  /**
   * A sparse disk image with an MBR ({@code dos}) or GPT table, built as an installer would:
   * partition 1 a 16 MiB ext4 {@code /boot} (no {@code /etc}), partition 2 the root file system
   * image given, put at its offset with {@code dd conv=notrunc,sparse}.
   */
  public static Path partitionedDisk(Path dir, String label, Path rootFileSystem) throws IOException {
    Path boot = dir.resolve("boot-tree");
    write(boot.resolve("grub/grub.cfg"), "set default=0\n");
    Path bootImage = ext4(dir.resolve("boot.fs"), boot, 16 * MIB);
    long rootMib = (Files.size(rootFileSystem) + MIB - 1) / MIB;
    Path disk = dir.resolve("disk-" + label + ".img");
    RealHost.run("truncate", "-s", ((1 + 16 + rootMib + 1) * MIB) + "", disk.toString());
    String linux = "gpt".equals(label) ? GPT_LINUX : "83";
    sfdisk(disk, "label: " + label + "\n"
        + "start=2048, size=" + (16 * 2048) + ", type=" + linux + "\n"
        + "start=" + (17 * 2048) + ", size=" + (rootMib * 2048) + ", type=" + linux + "\n");
    put(bootImage, disk, 1);
    put(rootFileSystem, disk, PARTITIONED_ROOT_OFFSET / MIB);
    return disk;
  }

  /** Where {@link #partitionedDisk} puts the root file system: after 1 MiB of table and the 16 MiB /boot. */
  public static final long PARTITIONED_ROOT_OFFSET = 17 * MIB;

  /**
   * A Debian-like GPT base image ({@link #debianTree} with netplan and {@code dataBytes} of data in an
   * ext4 of {@code fileSystemBytes}, as partition 2 of {@link #partitionedDisk}) at {@code <dir>/base.img},
   * in place of whatever base was there; its root lies at {@link #PARTITIONED_ROOT_OFFSET}.
   */
  public static Path debianGptBase(Path dir, long dataBytes, long fileSystemBytes) throws IOException {
    Path rootFs = ext4(dir.resolve("root.fs"), debianTree(dir, true, dataBytes), fileSystemBytes);
    Path base = Files.move(partitionedDisk(dir, "gpt", rootFs), dir.resolve("base.img"), StandardCopyOption.REPLACE_EXISTING);
    Files.delete(rootFs);
    return base;
  }

  /** A disk image holding LVM: a physical volume on the whole disk, or on partition 2 after an ext4 partition 1. */
  public static Path lvmDisk(Path dir, boolean onPartition) throws IOException {
    Path disk = dir.resolve(onPartition ? "lvm-partition.img" : "lvm-disk.img");
    RealHost.run("truncate", "-s", "64M", disk.toString());
    List<String> attach = new ArrayList<>(List.of("losetup", "--find", "--show"));
    if (onPartition) {
      sfdisk(disk, "label: gpt\nstart=2048, size=" + (16 * 2048) + ", type=" + GPT_LINUX + "\n"
          + "start=" + (17 * 2048) + ", size=" + (40 * 2048) + ", type=" + GPT_LVM + "\n");
      Path tree = dir.resolve("lvm-boot-tree");
      write(tree.resolve("etc/hostname"), "not-the-root\n");
      put(ext4(dir.resolve("lvm-boot.fs"), tree, 16 * MIB), disk, 1);
      attach.addAll(List.of("--offset", Long.toString(17 * MIB), "--sizelimit", Long.toString(40 * MIB)));
    }
    attach.add(disk.toString());
    String device = RealHost.run(attach.toArray(String[]::new)).strip();
    try {
      RealHost.run("pvcreate", "-ff", "-y", "--config",
          "devices { obtain_device_list_from_udev = 0 filter = [ \"a|^" + device + "$|\", \"r|.*|\" ] }", device);
    } finally {
      RealHost.run("losetup", "--detach", device);
    }
    return disk;
  }

  /** The partition table as sfdisk dumps it, to compare copies with their base. */
  public static String partitionTable(Path disk) {
    return RealHost.run("sfdisk", "--dump", disk.toString()).replace(disk.toString(), "DISK");
  }

  /** Puts the file at the offset of the disk image, keeping holes ({@code dd conv=notrunc,sparse}). */
  static void put(Path fileSystem, Path disk, long offsetMib) {
    RealHost.run("dd", "if=" + fileSystem, "of=" + disk, "bs=1M", "seek=" + offsetMib, "conv=notrunc,sparse", "status=none");
  }

  /** Writes the partition table the sfdisk script describes. */
  static void sfdisk(Path disk, String script) throws IOException {
    Path input = Files.writeString(disk.resolveSibling(disk.getFileName() + ".sfdisk"), script);
    try {
      Process process = new ProcessBuilder("sfdisk", "--quiet", disk.toString()).redirectInput(input.toFile())
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("sfdisk " + disk + " failed: " + output + "\n" + script);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      Files.deleteIfExists(input);
    }
  }

  /** Non-zero data (cp keeps zero blocks as holes), written 1 MiB at a time. */
  public static void writeData(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[(int) MIB];
    Arrays.fill(chunk, (byte) 0x5a);
    try (var out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
    }
  }

  /**
   * A base image whose file system is full to the last block (no reserved blocks either): the
   * guest's files cannot be written into a copy of it.
   */
  public static Path fullRhelBase(Path dir, Path mountPoint) throws IOException {
    deleteTree(dir.resolve("tree"));
    Path image = rhelImage(dir, 16);
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

  public static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
