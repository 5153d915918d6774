package org.xenprovisioner.host;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.xenprovisioner.config.ProvisionerProperties;

/**
 * Copies a base image without filling its holes. GNU cp with {@code --sparse=always} reads only
 * the allocated extents (SEEK_DATA/SEEK_HOLE) and {@code --reflink=auto} shares blocks where the
 * file system can; Java's {@code Files.copy} would write every hole as zeros.
 */
@Component
class SparseImageCloner {

  private final CommandRunner runner;
  private final Duration timeout;

  SparseImageCloner(CommandRunner runner, ProvisionerProperties properties) {
    this.runner = runner;
    this.timeout = properties.copyTimeout();
  }

  /** Copies into a hidden part file, then links it into place: a reader never sees a half-written image. */
  void copy(Path base, Path image, String owner) {
    Path part = partFile(image, owner);
    // a copy cut short by a crash left its part file: remove it before anything can refuse the copy
    deleteQuietly(part);
    if (!Files.isRegularFile(base)) {
      throw new HostOperationException("base image " + base + " does not exist or is not a regular file");
    }
    if (Files.exists(image, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new HostOperationException("image " + image + " already exists; it is never overwritten");
    }
    try {
      runner.run(new Command(java.util.List.of("cp", "--sparse=always", "--reflink=auto", "--",
          base.toString(), part.toString()), timeout));
      Ownership.mark(part, owner);
      Files.createLink(image, part);
    } catch (FileAlreadyExistsException e) {
      throw new HostOperationException("image " + image + " already exists; it is never overwritten", e);
    } catch (IOException e) {
      throw new HostOperationException("cannot create image " + image + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(part);
    }
  }

  /** The owner's own part file: a second batch copying the same guest at the same moment never shares it. */
  static Path partFile(Path image, String owner) {
    return image.resolveSibling("." + image.getFileName() + "." + Ownership.token(owner) + ".part");
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the next copy of the same guest removes it before it starts
    }
  }
}
