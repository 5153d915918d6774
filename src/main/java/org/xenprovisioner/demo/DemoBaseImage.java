package org.xenprovisioner.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.springframework.util.unit.DataSize;
import org.xenprovisioner.StartRefusedException;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * The demo's RHEL-like base image: a sparse ext4 file made with {@code mkfs.ext4 -d} from a tree
 * holding the files a guest gets rewritten, plus {@code provisioner.demo.base-data} of data standing
 * in for an installed system. Each guest's copy really reads and writes that data, so a batch takes
 * as long as the disk needs for it, as on a real Dom0; no step waits for show.
 */
final class DemoBaseImage {

  static final String DATA_FILE = "usr/lib/demo/system.bin";
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final long MIB = 1024 * 1024;
  private static final Map<String, String> FILES = Map.of(
      "etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n",
      "etc/hostname", "demo-base\n",
      "etc/hosts", "127.0.0.1 localhost\n",
      "etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=demo-base\n",
      "etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n",
      "etc/udev/rules.d/70-persistent-net.rules", "# rewritten per guest: removed by the provisioner\n");

  private DemoBaseImage() {
  }

  /** Refuses to go on where the demo cannot work, naming what is missing. */
  static void checkHost() {
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new StartRefusedException("The demo profile needs root: provisioning attaches loop devices and mounts images.",
          "Start it as root: sudo mvn spring-boot:run -Dspring-boot.run.profiles=demo");
    }
    boolean mkfs = Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").anyMatch(dir -> Files.isExecutable(Path.of(dir, "mkfs.ext4")));
    if (!mkfs) {
      throw new StartRefusedException("The demo profile builds its base image with 'mkfs.ext4 -d', which is not installed.",
          "Install e2fsprogs (version 1.43 or later): apt-get install e2fsprogs");
    }
  }

  /** Room for the data, the file system's own metadata and the files a guest gets written. */
  static long imageBytes(DataSize data) {
    return (data.toBytes() + data.toBytes() / 4 + 64 * MIB + MIB - 1) / MIB * MIB;
  }

  static void build(CommandRunner commands, Path image, DataSize data) {
    try {
      Files.createDirectories(image.toAbsolutePath().getParent());
      Path tree = Files.createTempDirectory(image.toAbsolutePath().getParent(), "tree-");
      try {
        for (Map.Entry<String, String> file : FILES.entrySet()) {
          write(tree.resolve(file.getKey()), file.getValue());
        }
        writeData(tree.resolve(DATA_FILE), data.toBytes());
        Path partial = image.resolveSibling(image.getFileName() + ".partial");
        commands.run(Command.of(TIMEOUT, "truncate", "-s", Long.toString(imageBytes(data)), partial.toString()));
        commands.run(Command.of(TIMEOUT, "mkfs.ext4", "-q", "-F", "-L", "demo-base", "-d", tree.toString(), partial.toString()));
        Files.move(partial, image);
      } finally {
        try (Stream<Path> files = Files.walk(tree)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the demo base image " + image, e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  /** Data no copy can skip: cp keeps zero blocks as holes, and a random block compresses nowhere. */
  private static void writeData(Path file, long bytes) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] block = new byte[(int) MIB];
    new Random(1).nextBytes(block);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(left, block.length));
      }
    }
  }
}
