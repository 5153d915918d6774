package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.xenprovisioner.intake.Guest;

/**
 * Overwrites the guest-specific files inside a mounted guest file system. Paths are resolved
 * without following the guest's symbolic links out of it: a base image whose {@code /etc} points
 * at an absolute path must never make us write to the Dom0's own {@code /etc}.
 */
@Component
class GuestFileWriter {

  /** Stale files a clone must not inherit (udev would rename the new NIC to eth1). */
  static final List<String> REMOVED = List.of("etc/udev/rules.d/70-persistent-net.rules");

  private final TemplateRenderer templates;

  GuestFileWriter(TemplateRenderer templates) {
    this.templates = templates;
  }

  void write(Path mountPoint, Guest guest, Path image) {
    Path root = realRoot(mountPoint);
    for (Map.Entry<String, String> file : templates.guestFiles(guest, image).entrySet()) {
      Path target = inside(root, file.getKey());
      try {
        Files.createDirectories(target.getParent());
        // inside() refused symlinked parents; this catches any that appeared while the directories were made
        if (!target.getParent().toRealPath().startsWith(root)) {
          throw new HostOperationException("guest path /" + file.getKey() + " leads outside the guest file system");
        }
        Path temporary = target.resolveSibling("." + target.getFileName() + ".xenprov");
        Files.writeString(temporary, file.getValue(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new HostOperationException("cannot write /" + file.getKey() + " in guest " + guest.hostname() + ": " + describe(e), e);
      }
    }
    for (String stale : REMOVED) {
      Path target = inside(root, stale);
      try {
        Files.deleteIfExists(target);
      } catch (IOException e) {
        throw new HostOperationException("cannot remove /" + stale + " in guest " + guest.hostname() + ": " + describe(e), e);
      }
    }
  }

  private static Path realRoot(Path mountPoint) {
    try {
      return mountPoint.toRealPath();
    } catch (IOException e) {
      throw new HostOperationException("mount point " + mountPoint + " is not there: " + e.getMessage(), e);
    }
  }

  /** The guest path under the root, refusing any existing parent that is a symbolic link. */
  private static Path inside(Path root, String guestPath) {
    Path target = root.resolve(guestPath).normalize();
    if (!target.startsWith(root)) {
      throw new HostOperationException("guest path /" + guestPath + " leads outside the guest file system");
    }
    for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new HostOperationException("guest directory /" + root.relativize(p)
            + " is a symbolic link; refusing to write through it");
      }
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("guest path /" + guestPath + " is a directory, not a file");
    }
    return target;
  }

  private static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.contains("No space left") ? "no space left in the guest file system (" + message + ")" : message;
  }
}
