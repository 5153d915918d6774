package org.xenprovisioner.host.files;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.Guest;

/** What a guest is, read from its mounted file system (provisioner.guest-family=auto). */
final class GuestFamily {

  private GuestFamily() {
  }

  /**
   * {@code cloud-init} where the guest has a cloud-init that is not switched off, else {@code rhel} or
   * {@code debian} from the release files of the guest (provisioner.guest-family=auto).
   */
  static String detect(Path root, Guest guest) {
    if (hasCloudInit(root)) {
      return TemplateRenderer.CLOUD_INIT;
    }
    boolean rhel = exists(root, "etc/redhat-release");
    boolean debian = exists(root, "etc/debian_version");
    if (rhel == debian) {
      throw new HostOperationException("guest " + guest.hostname() + ": cannot tell its family (provisioner.guest-family=auto): "
          + (rhel ? "both /etc/redhat-release and /etc/debian_version exist" : "neither /etc/redhat-release nor /etc/debian_version exists")
          + "; set provisioner.guest-family to rhel or debian");
    }
    return rhel ? "rhel" : "debian";
  }

  /**
   * Its configuration and its program, and not switched off: a base whose cloud-init package was
   * removed keeps /etc/cloud/cloud.cfg as a left-over configuration file, and would ignore a seed.
   */
  static boolean hasCloudInit(Path root) {
    return isRegularFile(root, GuestConfigWriter.CLOUD + "/cloud.cfg") && isRegularFile(root, "usr/bin/cloud-init")
        && !isRegularFile(root, GuestConfigWriter.CLOUD + "/cloud-init.disabled");
  }

  private static boolean exists(Path root, String guestPath) {
    return is(root, guestPath, target -> Files.exists(target, LinkOption.NOFOLLOW_LINKS));
  }

  private static boolean isRegularFile(Path root, String guestPath) {
    return is(root, guestPath, target -> Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
  }

  static boolean isDirectory(Path root, String guestPath) {
    return is(root, guestPath, target -> Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  /** Never a look through a symbolic link on the way ({@link GuestTree}); the file itself a link: false. */
  private static boolean is(Path root, String guestPath, Predicate<Path> test) {
    Path target = GuestTree.resolve(root, guestPath, "look");
    return !Files.isSymbolicLink(target) && test.test(target);
  }
}
