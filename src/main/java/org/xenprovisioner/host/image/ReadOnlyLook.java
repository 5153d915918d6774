package org.xenprovisioner.host.image;

import java.nio.file.Path;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.command.CommandRunner;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * A look into the root file system of the base image (for the plan) that changes nothing:
 * the root {@link BaseImageInspector} finds, mounted by {@link ReadOnlyMount}, so the reader sees the
 * very files a guest copied from it will have.
 */
@Component
public class ReadOnlyLook {

  private final BaseImageInspector inspector;
  private final ReadOnlyMount mount;

  ReadOnlyLook(CommandRunner runner, BaseImageInspector inspector, ProvisionerProperties properties) {
    this.inspector = inspector;
    this.mount = new ReadOnlyMount(runner, properties.commandTimeout(), properties.mountDir());
  }

  /** The reader's answer about the image's root file system, mounted read-only for as long as the reader runs. */
  public <T> T into(Path image, Function<Path, T> reader) {
    RootFileSystem root = inspector.inspectBase(image);
    try {
      return mount.read(image, root.offset(), root.sizeLimit(), root.type(), reader);
    } catch (ReadOnlyMount.RefusedException e) {
      throw new HostOperationException("cannot look into image " + image + " (" + root + "): mount read-only failed: "
          + e.stderr());
    }
  }
}
