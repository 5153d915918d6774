package org.xenprovisioner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The base image layouts operators really have, each built small but true to its shape: the
 * partition numbers, order, types and file systems of the distribution's cloud or installer
 * image, a BIOS boot partition holding bytes no probe recognises (GRUB's core image), an empty
 * vfat EFI system partition, a {@code /boot} without {@code /etc}, and a root tree of that family
 * (with cloud-init where the distribution's cloud image has it).
 */
public enum BaseImageLayout {

  /** GPT in plain order: BIOS boot 1, EFI 2, ext4 root 3; a Debian root without cloud-init. */
  GPT_BIOS_EFI_EXT4("gpt", 3, "ext4", "debian"),
  /** Debian 12 genericcloud: root 1 lies behind BIOS boot 14 and EFI 15 on the disk. */
  DEBIAN_GENERICCLOUD("gpt", 1, "ext4", "cloud-init"),
  /** Ubuntu 24.04 cloud image: root 1, BIOS boot 14, EFI 15, ext4 /boot 16 (before the root on the disk). */
  UBUNTU_CLOUD("gpt", 1, "ext4", "cloud-init"),
  /** RHEL, Rocky and Alma 8/9 cloud images: BIOS boot 1, EFI 2, XFS /boot 3, XFS root 4. */
  RHEL9_CLOUD("gpt", 4, "xfs", "cloud-init"),
  /** A CentOS 7 installation: MBR, XFS /boot 1, XFS root 2, CentOS 7's XFS features. */
  CENTOS7("dos", 2, "xfs", "rhel"),
  /** The CentOS 7 GenericCloud image: MBR, one XFS partition, cloud-init. */
  CENTOS7_GENERICCLOUD("dos", 1, "xfs", "cloud-init"),
  /** A bare XFS root file system, no partition table. */
  BARE_XFS(null, 0, "xfs", "rhel");

  private static final long MIB = 1024 * 1024;
  private static final String GPT_BIOS_BOOT = "21686148-6E6F-744E-6565-644546494249";
  private static final String GPT_EFI = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
  private static final String GPT_LINUX = TestImages.GPT_LINUX;

  private final String label;
  private final int rootPartition;
  private final String rootType;
  private final String family;

  BaseImageLayout(String label, int rootPartition, String rootType, String family) {
    this.label = label;
    this.rootPartition = rootPartition;
    this.rootType = rootType;
    this.family = family;
  }

  /** {@code gpt}, {@code dos}, or null for a bare file system. */
  public String label() {
    return label;
  }

  /** The partition holding the root file system (0 for a bare file system). */
  public int rootPartition() {
    return rootPartition;
  }

  public String rootType() {
    return rootType;
  }

  /** The family {@code provisioner.guest-family=auto} takes for a guest of this base. */
  public String family() {
    return family;
  }

  /** Builds the image in the directory (its own scratch files too) and returns it. */
  public Path build(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path disk = dir.resolve(name().toLowerCase() + ".img");
    return switch (this) {
      case GPT_BIOS_EFI_EXT4 -> gpt(disk, List.of(
          biosBoot(1, 1), efi(dir, 2, 2),
          part(3, 18, 32, GPT_LINUX, TestImages.ext4(dir.resolve("root.fs"), debianTree(dir, false, false), 32 * MIB))));
      case DEBIAN_GENERICCLOUD -> gpt(disk, List.of(
          biosBoot(14, 1), efi(dir, 15, 2),
          part(1, 18, 32, GPT_LINUX, TestImages.ext4(dir.resolve("root.fs"), debianTree(dir, true, false), 32 * MIB))));
      case UBUNTU_CLOUD -> gpt(disk, List.of(
          biosBoot(14, 1), efi(dir, 15, 2),
          part(16, 18, 16, GPT_LINUX, TestImages.ext4(dir.resolve("boot.fs"), bootTree(dir), 16 * MIB)),
          part(1, 34, 32, GPT_LINUX, TestImages.ext4(dir.resolve("root.fs"), debianTree(dir, true, true), 32 * MIB))));
      case RHEL9_CLOUD -> gpt(disk, List.of(
          biosBoot(1, 1), efi(dir, 2, 2),
          part(3, 18, 300, GPT_LINUX, XfsImages.xfs(dir.resolve("boot.fs"), bootTree(dir), 300 * MIB)),
          part(4, 318, 300, GPT_LINUX, XfsImages.xfs(dir.resolve("root.fs"), TestImages.rhelTree(dir, "Rocky Linux release 9.5 (Blue Onyx)", true), 300 * MIB))));
      case CENTOS7 -> partitioned(disk, "dos", List.of(
          part(1, 1, 300, "83", XfsImages.xfs(dir.resolve("boot.fs"), bootTree(dir), 300 * MIB, XfsImages.CENTOS7_FEATURES)),
          part(2, 301, 300, "83", XfsImages.xfs(dir.resolve("root.fs"), TestImages.rhelTree(dir, "CentOS Linux release 7.9.2009 (Core)", false),
              300 * MIB, XfsImages.CENTOS7_FEATURES))));
      case CENTOS7_GENERICCLOUD -> partitioned(disk, "dos", List.of(
          part(1, 1, 300, "83", XfsImages.xfs(dir.resolve("root.fs"), TestImages.rhelTree(dir, "CentOS Linux release 7.9.2009 (Core)", true),
              300 * MIB, XfsImages.CENTOS7_FEATURES))));
      case BARE_XFS -> XfsImages.xfs(disk, TestImages.rhelTree(dir, "AlmaLinux release 9.5 (Teal Serval)", false), 300 * MIB);
    };
  }

  /** A partition: its number, where it starts and its size (MiB), its type, and the image put into it (null: random bytes). */
  private record Part(int number, long startMib, long sizeMib, String type, Path content) {
  }

  private static Part part(int number, long startMib, long sizeMib, String type, Path content) {
    return new Part(number, startMib, sizeMib, type, content);
  }

  /** GRUB's core image in a real one; bytes that probe as nothing here. */
  private static Part biosBoot(int number, long startMib) {
    return new Part(number, startMib, 1, GPT_BIOS_BOOT, null);
  }

  private static Part efi(Path dir, int number, long startMib) throws IOException {
    Path image = dir.resolve("efi.fs");
    RealHost.run("truncate", "-s", (16 * MIB) + "", image.toString());
    RealHost.run("mkfs.vfat", "-n", "EFI", image.toString());
    return new Part(number, startMib, 16, GPT_EFI, image);
  }

  private static Path gpt(Path disk, List<Part> parts) throws IOException {
    return partitioned(disk, "gpt", parts);
  }

  /** The table written by sfdisk with the partition numbers given, each partition's content put at its offset. */
  private static Path partitioned(Path disk, String label, List<Part> parts) throws IOException {
    long end = parts.stream().mapToLong(p -> p.startMib() + p.sizeMib()).max().orElse(1);
    Files.deleteIfExists(disk);
    RealHost.run("truncate", "-s", ((end + 1) * MIB) + "", disk.toString());
    StringBuilder script = new StringBuilder("label: " + label + "\n");
    for (Part part : parts) {
      script.append(disk).append(part.number()).append(" : start=").append(part.startMib() * 2048)
          .append(", size=").append(part.sizeMib() * 2048).append(", type=").append(part.type()).append('\n');
    }
    TestImages.sfdisk(disk, script.toString());
    for (Part part : parts) {
      if (part.content() == null) {
        byte[] core = new byte[64 * 1024];
        new Random(part.number()).nextBytes(core);
        Path file = Files.write(disk.resolveSibling("core.img"), core);
        TestImages.put(file, disk, part.startMib());
        Files.delete(file);
      } else {
        TestImages.put(part.content(), disk, part.startMib());
        Files.delete(part.content());
      }
    }
    return disk;
  }

  private static Path debianTree(Path dir, boolean cloudInit, boolean ubuntu) throws IOException {
    Path tree = TestImages.debianTree(dir, ubuntu, 1024 * 1024);
    if (ubuntu) {
      TestImages.write(tree.resolve("etc/os-release"), "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n");
      TestImages.write(tree.resolve("etc/debian_version"), "trixie/sid\n");
    }
    if (cloudInit) {
      TestImages.withCloudInit(tree);
    }
    return tree;
  }

  private static Path bootTree(Path dir) throws IOException {
    Path tree = dir.resolve("boot-tree");
    TestImages.write(tree.resolve("grub2/grub.cfg"), "set default=0\n");
    TestImages.write(tree.resolve("vmlinuz-5.14.0-503.el9.x86_64"), "kernel\n");
    return tree;
  }

  /** Skips (or fails, where mandatory) a test whose host cannot build every layout. */
  public static void assumeToolsInstalled() {
    RealHost.assumeLoopDevicesUsable();
    RealHost.assumeTools("mkfs.xfs (package xfsprogs)", "mkfs.vfat (package dosfstools)");
  }
}
