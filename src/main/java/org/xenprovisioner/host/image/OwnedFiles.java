package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Files a guest creates on the Dom0 (its image, its domain config) appear atomically and never over
 * anything: written to a hidden temporary beside the target, marked with the owner
 * ({@link Ownership}), then hard-linked into place, which fails when the target exists. A reader
 * never sees a half-written file, and two batches creating the same file at once never share a
 * temporary: its name carries a token of the owner.
 */
public final class OwnedFiles {

  /** {@code .<name>.<token>.part}; older releases wrote {@code .xenprov} for domain configs and no token. */
  private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.(img|cfg)(\\.[0-9a-f]{12})?\\.(part|xenprov)");

  private OwnedFiles() {
  }

  /** The owner's own temporary for the target. */
  public static Path temporaryFor(Path target, String owner) {
    return target.resolveSibling("." + target.getFileName() + "." + Ownership.token(owner) + ".part");
  }

  /** Whether a file name is a temporary of this product (left behind only by a crash). */
  public static boolean isTemporary(String name) {
    return TEMPORARY.matcher(name).matches();
  }

  /**
   * Marks the temporary with the owner and links it into place.
   *
   * @throws java.nio.file.FileAlreadyExistsException when the target exists: it is never overwritten
   */
  public static void linkIntoPlace(Path temporary, Path target, String owner) throws IOException {
    Ownership.mark(temporary, owner);
    Files.createLink(target, temporary);
  }

  /** Removes the owner's temporary, which a crash after linking it into place can leave behind. */
  public static void deleteTemporary(Path target, String owner) {
    try {
      Files.deleteIfExists(temporaryFor(target, owner));
    } catch (IOException ignored) {
      // the next write of the same file, or the next start, removes it
    }
  }
}
