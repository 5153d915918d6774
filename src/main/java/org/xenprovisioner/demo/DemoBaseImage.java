package org.xenprovisioner.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;

/**
 * A small RHEL-like base image for the demo: a sparse 64 MiB ext4 file made with
 * {@code mkfs.ext4 -d} from a tree holding the files a guest gets rewritten.
 */
final class DemoBaseImage {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
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
      throw new IllegalStateException("The demo profile needs root: provisioning attaches loop devices and mounts "
          + "images. Start it as root (e.g. sudo mvn spring-boot:run -Dspring-boot.run.profiles=demo).");
    }
    boolean mkfs = Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").anyMatch(dir -> Files.isExecutable(Path.of(dir, "mkfs.ext4")));
    if (!mkfs) {
      throw new IllegalStateException("The demo profile builds its base image with 'mkfs.ext4 -d', which is not "
          + "installed: apt-get install e2fsprogs (version 1.43 or later).");
    }
  }

  static void build(CommandRunner commands, Path image) {
    try {
      Files.createDirectories(image.toAbsolutePath().getParent());
      Path tree = Files.createTempDirectory(image.toAbsolutePath().getParent(), "tree-");
      try {
        for (Map.Entry<String, String> file : FILES.entrySet()) {
          Path target = tree.resolve(file.getKey());
          Files.createDirectories(target.getParent());
          Files.writeString(target, file.getValue());
        }
        Path partial = image.resolveSibling(image.getFileName() + ".partial");
        commands.run(Command.of(TIMEOUT, "truncate", "-s", "64M", partial.toString()));
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
}
