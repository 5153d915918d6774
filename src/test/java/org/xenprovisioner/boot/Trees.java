package org.xenprovisioner.boot;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xenprovisioner.host.command.Command;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.image.MountTable;

/**
 * Deleting directory trees that a killed debootstrap may have left with {@code /proc}, {@code /sys}
 * or (in a container) bind mounts of the host's {@code /dev} nodes inside: everything mounted
 * below is unmounted first, and a tree that still has a mount below is never deleted.
 */
final class Trees {

  private static final CommandRunner RUNNER = new CommandRunner();

  private Trees() {
  }

  /** Mount points at or below the directory ({@code findmnt --json}), deepest first. */
  static List<Path> mountsUnder(Path dir) {
    Path real = real(dir);
    List<Path> mounts = new ArrayList<>(MountTable.read(RUNNER, Duration.ofSeconds(30)).entries().stream()
        .map(MountTable.Entry::mountPoint).filter(point -> point.startsWith(real)).toList());
    mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return mounts;
  }

  /**
   * Kills (SIGKILL) every process working in the directory: its root ({@code chroot}) or working
   * directory below it, or the directory on its command line. For a build that a killed JVM left
   * running: debootstrap goes on as an orphan, and dpkg runs chrooted into the tree.
   */
  static void killProcessesUsing(Path dir) {
    String real = real(dir).toString();
    for (int round = 0; round < 50; round++) {
      List<ProcessHandle> users = ProcessHandle.allProcesses().filter(process -> uses(process, real)).toList();
      if (users.isEmpty()) {
        return;
      }
      users.forEach(ProcessHandle::destroyForcibly);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean uses(ProcessHandle process, String dir) {
    if (process.pid() == ProcessHandle.current().pid()) {
      return false;
    }
    Path proc = Path.of("/proc", Long.toString(process.pid()));
    for (String link : List.of("root", "cwd")) {
      try {
        if (Files.readSymbolicLink(proc.resolve(link)).startsWith(dir)) {
          return true;
        }
      } catch (IOException | UnsupportedOperationException e) {
        // gone, or not ours to read
      }
    }
    return process.info().commandLine().map(line -> line.contains(dir)).orElse(false);
  }

  /** Unmounts (lazily, so a busy mount cannot stop it) everything mounted at or below the directory. */
  static void unmountAll(Path dir) {
    for (Path point : mountsUnder(dir)) {
      RUNNER.runAllowingFailure(Command.of(Duration.ofSeconds(60), "umount", "-l", point.toString()));
    }
  }

  /**
   * Unmounts what is mounted below the directory and deletes it, never following symbolic links
   * (the tree is a root file system: its links point into the host when read from outside).
   */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    unmountAll(dir);
    List<Path> left = mountsUnder(dir);
    if (!left.isEmpty()) {
      throw new IOException("not deleting " + dir + ": still mounted below it: " + left);
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
        if (error != null) {
          throw error;
        }
        Files.delete(directory);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
