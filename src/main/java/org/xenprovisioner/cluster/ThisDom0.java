package org.xenprovisioner.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.HostLayout;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.host.image.BaseImageFingerprint;
import org.xenprovisioner.host.image.BaseImageInspector;

/**
 * The Dom0 this node provisions on ({@code provisioner.dom0}, by default the short host name): its
 * name, its directories, its base image, and the job lock owner its job executor uses, which stays
 * the same across restarts so a restarted node finds the locks it held.
 */
@Component
class ThisDom0 {

  private final String name;
  private final NodeId nodeId = NodeId.ofThisRun();
  private final HostLayout layout;
  private final Path baseImage;
  private final BaseImageInspector inspector;

  ThisDom0(ProvisionerProperties properties, HostLayout layout, BaseImageInspector inspector) {
    this.name = properties.dom0Name();
    this.layout = layout;
    this.baseImage = properties.baseImagePath();
    this.inspector = inspector;
  }

  /** What this node can say of its base image: its identity, or why it cannot be used. */
  public record BaseImageStatus(Path path, String fingerprint, String problem) {

    public boolean usable() {
      return problem == null;
    }
  }

  public String name() {
    return name;
  }

  NodeId nodeId() {
    return nodeId;
  }

  public HostLayout layout() {
    return layout;
  }

  /** The job executor's lock owner: the same after a restart, different on every Dom0. */
  String lockOwner() {
    return lockOwnerOf(name);
  }

  /** The lock owner of the node of a Dom0. */
  static String lockOwnerOf(String dom0) {
    return "xen-provisioner@" + dom0;
  }

  /** The base image as it is now: inspected again only when it changed ({@link BaseImageInspector#inspectBase}). */
  public BaseImageStatus baseImage() {
    if (baseImage == null) {
      return new BaseImageStatus(null, null, "provisioner.base-image is not set: configure the base guest image "
          + "before submitting batches");
    }
    if (!Files.isRegularFile(baseImage)) {
      return new BaseImageStatus(baseImage, null, "provisioner.base-image " + baseImage
          + " does not exist or is not a regular file");
    }
    String fingerprint = null;
    try {
      fingerprint = BaseImageFingerprint.of(baseImage);
      // an image holding LVM, or one without a root file system we can find, is refused here
      inspector.inspectBase(baseImage);
      return new BaseImageStatus(baseImage, fingerprint, null);
    } catch (HostOperationException e) {
      return new BaseImageStatus(baseImage, fingerprint, "provisioner.base-image: " + e.getMessage());
    }
  }

  Dom0Registry.Registration registration() {
    BaseImageStatus base = baseImage();
    return new Dom0Registry.Registration(name, nodeId, layout.imageDir(), layout.xenConfigDir(), layout.mountDir(),
        base.path(), base.usable() ? base.fingerprint() : null, base.problem(), version());
  }

  static String version() {
    String version = ThisDom0.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
