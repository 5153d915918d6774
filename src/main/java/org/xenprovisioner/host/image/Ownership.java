package org.xenprovisioner.host.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * Marks the files a guest creates with an extended attribute naming its owner (batch and guest).
 * A step that runs again after a crash or a lost commit recognises its own file and goes on;
 * an undo handler deletes only what carries its guest's mark. Nothing else is ever touched.
 */
public final class Ownership {

  /** Shown by {@code getfattr -n user.xen-provisioner.owner FILE}. */
  static final String ATTRIBUTE = "xen-provisioner.owner";

  private Ownership() {
  }

  public static void mark(Path file, String owner) throws IOException {
    UserDefinedFileAttributeView view = view(file);
    if (view == null) {
      throw new IOException("the file system of " + file + " does not support extended attributes (user.*)");
    }
    view.write(ATTRIBUTE, StandardCharsets.UTF_8.encode(owner));
  }

  public static boolean isOwnedBy(Path file, String owner) {
    return ownerOf(file).map(owner::equals).orElse(false);
  }

  /** The owner the file is marked with; empty when it does not exist or carries no mark. */
  public static Optional<String> ownerOf(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      UserDefinedFileAttributeView view = view(file);
      if (view == null || !view.list().contains(ATTRIBUTE)) {
        return Optional.empty();
      }
      ByteBuffer value = ByteBuffer.allocate(view.size(ATTRIBUTE));
      view.read(ATTRIBUTE, value);
      return Optional.of(StandardCharsets.UTF_8.decode(value.flip()).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** True when the file carries a mark of any batch: it was made by this product. */
  public static boolean hasMark(Path file) {
    try {
      UserDefinedFileAttributeView view = view(file);
      return view != null && view.list().contains(ATTRIBUTE);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * A short, file-name-safe token for an owner. Temporary files carry it, so two batches that
   * create the same guest at the same moment never write into each other's temporary file.
   */
  public static String token(String owner) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static UserDefinedFileAttributeView view(Path file) {
    return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
  }
}
