package org.xenprovisioner.host;

import java.nio.file.Path;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.HostOperationException;
import org.xenprovisioner.intake.FieldRules;

/**
 * The one rule for a guest's paths: {@code <image-dir>/<hostname>.img},
 * {@code <xen-config-dir>/<hostname>.cfg} and {@code <mount-dir>/<hostname>}, with the directories
 * taken from this node's configuration. A host name that would make a path leave its directory is
 * refused before anything is touched.
 */
public final class HostLayout {

  private final Path imageDir;
  private final Path xenConfigDir;
  private final Path mountDir;

  private HostLayout(Path imageDir, Path xenConfigDir, Path mountDir) {
    this.imageDir = imageDir.toAbsolutePath().normalize();
    this.xenConfigDir = xenConfigDir.toAbsolutePath().normalize();
    this.mountDir = mountDir.toAbsolutePath().normalize();
  }

  /** This node's layout, from {@code provisioner.image-dir}, {@code .xen-config-dir} and {@code .mount-dir}. */
  public static HostLayout of(ProvisionerProperties properties) {
    return new HostLayout(properties.imageDir(), properties.xenConfigDir(), properties.mountDir());
  }

  /** A layout of the given directories (as another Dom0's, or a test's). */
  public static HostLayout of(Path imageDir, Path xenConfigDir, Path mountDir) {
    return new HostLayout(imageDir, xenConfigDir, mountDir);
  }

  public Path imageDir() {
    return imageDir;
  }

  public Path xenConfigDir() {
    return xenConfigDir;
  }

  public Path mountDir() {
    return mountDir;
  }

  public GuestPaths pathsOf(String hostname) {
    try {
      FieldRules.hostname(hostname);
    } catch (IllegalArgumentException e) {
      throw new HostOperationException("refusing the paths of guest '" + hostname + "': " + e.getMessage(), e);
    }
    return new GuestPaths(hostname, inside(imageDir, hostname + ".img"), inside(xenConfigDir, hostname + ".cfg"),
        inside(mountDir, hostname));
  }

  /** The file directly inside the directory, or a refusal: a name never climbs out or down. */
  private static Path inside(Path directory, String name) {
    Path file = directory.resolve(name).normalize();
    if (!directory.equals(file.getParent()) || !file.getFileName().toString().equals(name)) {
      throw new HostOperationException(name + " would leave " + directory + "; refused");
    }
    return file;
  }
}
