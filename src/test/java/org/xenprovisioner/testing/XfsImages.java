package org.xenprovisioner.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sparse XFS images of a directory tree, made without mounting anything: {@code mkfs.xfs -p} with
 * a prototype file (the xfsprogs of Debian 12 cannot take a directory as {@code mkfs.ext4 -d} does).
 * mkfs.xfs makes nothing under 300 MiB, and writes a 64 MiB log: an image allocates about 65 MiB.
 */
public final class XfsImages {

  public static final long MIN_BYTES = 300L * 1024 * 1024;

  /** Feature set of what CentOS 7's mkfs.xfs made (V5, no free inode btree, reflink, bigtime or sparse inodes). */
  public static final String CENTOS7_FEATURES = "crc=1,finobt=0,reflink=0,bigtime=0,inobtcount=0,rmapbt=0";

  private XfsImages() {
  }

  /** An XFS image of the tree with this mkfs.xfs's defaults (as RHEL 8/9 make, give or take newer features). */
  public static Path xfs(Path image, Path tree, long bytes) throws IOException {
    return xfs(image, tree, bytes, null);
  }

  /** An XFS image of the tree; {@code features} as mkfs.xfs -m takes them (null: the defaults), e.g. {@link #CENTOS7_FEATURES}. */
  public static Path xfs(Path image, Path tree, long bytes, String features) throws IOException {
    Path proto = Files.writeString(image.resolveSibling(image.getFileName() + ".proto"), prototype(tree));
    try {
      Files.deleteIfExists(image);
      RealHost.run("truncate", "-s", Long.toString(Math.max(bytes, MIN_BYTES)), image.toString());
      List<String> mkfs = new ArrayList<>(List.of("mkfs.xfs", "-q", "-f", "-p", proto.toString()));
      if (features != null) {
        mkfs.addAll(List.of("-m", features, "-i", "sparse=0"));
      }
      mkfs.add(image.toString());
      RealHost.run(mkfs.toArray(String[]::new));
      return image;
    } finally {
      Files.deleteIfExists(proto);
    }
  }

  /**
   * The prototype file of mkfs.xfs(8) for the tree: directories, regular files (read from the tree),
   * symbolic links, FIFOs and device nodes, owned by root, with the tree's permissions.
   */
  static String prototype(Path tree) throws IOException {
    StringBuilder proto = new StringBuilder("/dev/null\n0 0\n").append(mode('d', tree)).append(" 0 0\n");
    entries(tree, proto, 1);
    return proto.append("$\n").toString();
  }

  private static void entries(Path dir, StringBuilder proto, int depth) throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.sorted().toList();
    }
    String indent = " ".repeat(depth);
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (!name.matches("[A-Za-z0-9._+@:-]+")) {
        throw new IOException("a name mkfs.xfs -p cannot take: " + child);
      }
      if (Files.isSymbolicLink(child)) {
        proto.append(indent).append(name).append(" l--777 0 0 ").append(Files.readSymbolicLink(child)).append('\n');
      } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        proto.append(indent).append(name).append(' ').append(mode('d', child)).append(" 0 0\n");
        entries(child, proto, depth + 1);
        proto.append(indent).append("$\n");
      } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
        proto.append(indent).append(name).append(' ').append(mode('-', child)).append(" 0 0 ")
            .append(child.toAbsolutePath()).append('\n');
      } else {
        // a FIFO or a device node, as a hostile base image holds them
        int type = (Integer) Files.getAttribute(child, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
        long rdev = (Long) Files.getAttribute(child, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        switch (type) {
          case 0010000 -> proto.append(indent).append(name).append(' ').append(mode('p', child)).append(" 0 0\n");
          case 0020000, 0060000 -> proto.append(indent).append(name).append(' ').append(mode(type == 0020000 ? 'c' : 'b', child))
              .append(" 0 0 ").append((rdev >> 8) & 0xfff).append(' ').append((rdev & 0xff) | ((rdev >> 12) & 0xfff00)).append('\n');
          default -> throw new IOException("a file type mkfs.xfs -p cannot take: " + child);
        }
      }
    }
  }

  /** {@code d--755}: type, no setuid, no setgid, octal permissions. */
  private static String mode(char type, Path file) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    int bits = 0;
    for (PosixFilePermission permission : permissions) {
      bits |= 1 << (8 - permission.ordinal());
    }
    return type + "--" + String.format("%03o", bits);
  }
}
