package org.xenprovisioner.host.files;

import java.nio.file.Files;
import java.nio.file.Path;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * The one way into a mounted guest file system: a guest path resolved under its root, never
 * leaving it and never through a symbolic link on the way (a link in the guest may lead into the
 * Dom0). Whether the last element may itself be a link is the caller's rule.
 */
final class GuestTree {

  private GuestTree() {
  }

  /**
   * {@code guestPath} (relative, as {@code etc/hosts}) under {@code root}; {@code doing} names the
   * refused act in the error ("look", "write").
   */
  static Path resolve(Path root, String guestPath, String doing) {
    Path target = root.resolve(guestPath).normalize();
    if (!target.startsWith(root)) {
      throw new HostOperationException("guest path /" + guestPath + " leads outside the guest file system");
    }
    for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new HostOperationException("guest directory /" + root.relativize(p) + " is a symbolic link; refusing to "
            + doing + " through it");
      }
    }
    return target;
  }
}
