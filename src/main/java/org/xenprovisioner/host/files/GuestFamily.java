package org.xenprovisioner.host.files;

import org.xenprovisioner.host.command.HostOperationException;

/** What a guest is, read from its mounted file system (provisioner.guest-family=auto). */
final class GuestFamily {

  private GuestFamily() {
  }

  /**
   * {@code cloud-init} where the guest has a cloud-init that is not switched off, else {@code rhel} or
   * {@code debian} from the release files of the guest (provisioner.guest-family=auto). Only looked
   * at, never opened: a release file that is a FIFO or a link counts as there, and is not read.
   */
  static String detect(GuestTree tree) {
    if (hasCloudInit(tree)) {
      return TemplateRenderer.CLOUD_INIT;
    }
    boolean rhel = tree.kind("etc/redhat-release", "look") != GuestTree.Kind.ABSENT;
    boolean debian = tree.kind("etc/debian_version", "look") != GuestTree.Kind.ABSENT;
    if (rhel == debian) {
      throw new HostOperationException("cannot tell its family (provisioner.guest-family=auto): "
          + (rhel ? "both /etc/redhat-release and /etc/debian_version exist" : "neither /etc/redhat-release nor /etc/debian_version exists")
          + "; set provisioner.guest-family to rhel or debian");
    }
    return rhel ? "rhel" : "debian";
  }

  /**
   * Its configuration and its program, and not switched off: a base whose cloud-init package was
   * removed keeps /etc/cloud/cloud.cfg as a left-over configuration file, and would ignore a seed.
   */
  static boolean hasCloudInit(GuestTree tree) {
    return isRegularFile(tree, GuestConfigWriter.CLOUD + "/cloud.cfg") && isRegularFile(tree, "usr/bin/cloud-init")
        && !isRegularFile(tree, GuestConfigWriter.CLOUD + "/cloud-init.disabled");
  }

  private static boolean isRegularFile(GuestTree tree, String guestPath) {
    return tree.kind(guestPath, "look") == GuestTree.Kind.FILE;
  }

  static boolean isDirectory(GuestTree tree, String guestPath) {
    return tree.kind(guestPath, "look") == GuestTree.Kind.DIRECTORY;
  }
}
