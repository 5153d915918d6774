package org.xenprovisioner.host.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.xenprovisioner.host.command.HostOperationException;

/**
 * The one way into a mounted guest file system, whose content comes from a base image and is not
 * trusted: links, FIFOs and devices in it must never lead a root process out of it or make it wait.
 *
 * <p>Every directory is opened relative to its parent's open descriptor without following links
 * ({@code openat} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}), after {@code
 * fstatat} said it is a directory; nothing else is ever opened but the files this class creates
 * itself: under a name nobody can predict, {@code O_CREAT|O_EXCL|O_NOFOLLOW}, then renamed over the
 * target with {@code renameat}, which replaces a link, FIFO or device there instead of following or
 * opening it. What the product looks at in a guest (release files, machine ids, keys) it only
 * {@code lstat}s. A directory missing on the way is made by its path once every directory above it
 * was checked, and then opened without following links like the others; that is race-free as long
 * as nobody else changes the image while it is mounted, which holds: the guest is not running.
 */
final class GuestTree implements Closeable {

  /** What is at a guest path, as {@code lstat} says: never opened, never followed. */
  enum Kind { ABSENT, FILE, DIRECTORY, LINK, OTHER }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
      LinkOption.NOFOLLOW_LINKS);

  private final Path root;
  private final SecureDirectoryStream<Path> rootDir;
  /** The guest path being worked on, for an error that names it when the work does not end in time. */
  private volatile String current = "";

  private GuestTree(Path root, SecureDirectoryStream<Path> rootDir) {
    this.root = root;
    this.rootDir = rootDir;
  }

  /** Opens the guest file system at {@code root} (a mount point of the node's configuration). */
  static GuestTree open(Path root) {
    try {
      DirectoryStream<Path> dir = Files.newDirectoryStream(root);
      if (dir instanceof SecureDirectoryStream<Path> secure) {
        return new GuestTree(root, secure);
      }
      dir.close();
      throw new HostOperationException("this platform cannot open directories relative to each other (openat); "
          + "refusing to write into guest file system " + root);
    } catch (IOException e) {
      throw new HostOperationException("cannot open the guest file system at " + root + ": " + e.getMessage(), e);
    }
  }

  /** The guest path last worked on ({@code /etc/hosts}). */
  String current() {
    return current;
  }

  /**
   * What is at {@code guestPath} ({@code etc/hosts}); {@code doing} names the act refused in the error
   * when a directory on the way is a link ("look", "write").
   */
  Kind kind(String guestPath, String doing) {
    List<String> names = names(guestPath);
    try (Walk walk = walk(names, doing, false)) {
      return walk == null ? Kind.ABSENT : kind(walk.dir, last(names));
    }
  }

  /** Names of the entries of a guest directory that are not directories and start with the prefix, sorted. */
  List<String> list(String guestDir, String prefix) {
    // a name under the directory: the walk opens every directory above a path's last element
    List<String> names = names(guestDir + "/x");
    List<String> found = new ArrayList<>();
    try (Walk walk = walk(names, "look", false)) {
      if (walk == null) {
        return List.of();
      }
      for (Path entry : walk.dir) {
        String name = entry.getFileName().toString();
        if (name.startsWith(prefix) && kind(walk.dir, name) != Kind.DIRECTORY) {
          found.add(name);
        }
      }
    } catch (java.nio.file.DirectoryIteratorException e) {
      throw new HostOperationException("cannot list /" + guestDir + " in the guest: " + e.getCause().getMessage(), e);
    }
    return found.stream().sorted().toList();
  }

  /**
   * Writes {@code content} with {@code mode} ({@code rw-r--r--}) at {@code guestPath}, making missing
   * directories: a new file renamed over whatever non-directory is there.
   */
  void write(String guestPath, String content, String mode) {
    List<String> names = names(guestPath);
    try (Walk walk = walk(names, "write", true)) {
      String name = last(names);
      if (kind(walk.dir, name) == Kind.DIRECTORY) {
        throw new HostOperationException("guest path /" + guestPath + " is a directory in the base image; refusing to replace it");
      }
      Path temporary = Path.of(".xenprov-" + HexFormat.of().formatHex(token()) + ".tmp");
      try {
        try (SeekableByteChannel channel = walk.dir.newByteChannel(temporary, CREATE_NEW,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
          ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        }
        // the umask may have taken bits away; the file is ours, made a moment ago under a name nobody knew
        walk.dir.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(PosixFilePermissions.fromString(mode));
        walk.dir.move(temporary, walk.dir, Path.of(name));
      } catch (IOException e) {
        deleteQuietly(walk.dir, temporary);
        throw new HostOperationException("cannot write /" + guestPath + ": " + describe(e), e);
      }
    }
  }

  /** Removes the non-directory at {@code guestPath} (a link itself, never its target); nothing there is fine. */
  void remove(String guestPath) {
    List<String> names = names(guestPath);
    try (Walk walk = walk(names, "remove", false)) {
      if (walk == null) {
        return;
      }
      if (kind(walk.dir, last(names)) == Kind.DIRECTORY) {
        throw new HostOperationException("cannot remove /" + guestPath + ": it is a directory in the base image");
      }
      walk.dir.deleteFile(Path.of(last(names)));
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      throw new HostOperationException("cannot remove /" + guestPath + ": " + describe(e), e);
    }
  }

  /** Renames {@code from} to {@code to} in the same guest directory, replacing a non-directory there. */
  void rename(String from, String to) {
    List<String> names = names(from);
    List<String> target = names(to);
    if (!names.subList(0, names.size() - 1).equals(target.subList(0, target.size() - 1))) {
      throw new IllegalArgumentException("/" + from + " and /" + to + " are not in the same directory");
    }
    try (Walk walk = walk(names, "rename", false)) {
      if (walk == null) {
        throw new HostOperationException("cannot set /" + from + " aside: it is not there");
      }
      if (kind(walk.dir, last(target)) == Kind.DIRECTORY) {
        throw new HostOperationException("cannot set /" + from + " aside: /" + to + " is a directory in the base image");
      }
      walk.dir.move(Path.of(last(names)), walk.dir, Path.of(last(target)));
    } catch (IOException e) {
      throw new HostOperationException("cannot set /" + from + " aside: " + describe(e), e);
    }
  }

  @Override
  public void close() {
    try {
      rootDir.close();
    } catch (IOException ignored) {
      // a directory descriptor; nothing was written through it that a close could lose
    }
  }

  /** The open directory holding a guest path's last element. */
  private final class Walk implements AutoCloseable {
    final SecureDirectoryStream<Path> dir;

    Walk(SecureDirectoryStream<Path> dir) {
      this.dir = dir;
    }

    @Override
    public void close() {
      closeUnlessRoot(dir);
    }
  }

  /**
   * Opens the directories above the last name one by one; null when one is missing and {@code create}
   * is false. A link or a non-directory on the way is refused with its path.
   */
  private Walk walk(List<String> names, String doing, boolean create) {
    current = "/" + String.join("/", names);
    if (Thread.currentThread().isInterrupted()) {
      throw new HostOperationException("stopped before " + current + ": the guest's file work ran out of time");
    }
    SecureDirectoryStream<Path> dir = rootDir;
    StringBuilder path = new StringBuilder();
    try {
      for (String name : names.subList(0, names.size() - 1)) {
        path.append('/').append(name);
        Kind kind = kind(dir, name);
        if (kind == Kind.ABSENT && create) {
          try {
            Files.createDirectory(root.resolve(path.substring(1)));
          } catch (FileAlreadyExistsException raced) {
            // made by now, or something else is there: the check below tells
          }
          kind = kind(dir, name);
        }
        if (kind == Kind.ABSENT) {
          closeUnlessRoot(dir);
          return null;
        }
        if (kind == Kind.LINK) {
          throw new HostOperationException("guest directory " + path + " is a symbolic link; refusing to " + doing
              + " through it");
        }
        if (kind != Kind.DIRECTORY) {
          throw new HostOperationException("guest path " + path + " is not a directory; refusing to " + doing + " under it");
        }
        SecureDirectoryStream<Path> child = dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        closeUnlessRoot(dir);
        dir = child;
      }
      return new Walk(dir);
    } catch (IOException e) {
      closeUnlessRoot(dir);
      throw new HostOperationException("cannot open guest directory " + path + ": " + describe(e), e);
    } catch (RuntimeException e) {
      closeUnlessRoot(dir);
      throw e;
    }
  }

  private void closeUnlessRoot(SecureDirectoryStream<Path> dir) {
    if (dir != rootDir) {
      try {
        dir.close();
      } catch (IOException ignored) {
        // a directory descriptor, as above
      }
    }
  }

  private static Kind kind(SecureDirectoryStream<Path> dir, String name) {
    try {
      BasicFileAttributes attributes = dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).readAttributes();
      return attributes.isSymbolicLink() ? Kind.LINK
          : attributes.isDirectory() ? Kind.DIRECTORY
          : attributes.isRegularFile() ? Kind.FILE
          : Kind.OTHER;
    } catch (NoSuchFileException e) {
      return Kind.ABSENT;
    } catch (IOException e) {
      throw new HostOperationException("cannot look at " + name + " in the guest: " + describe(e), e);
    }
  }

  /** The elements of a relative guest path, refusing empty, {@code .} and {@code ..} elements. */
  private static List<String> names(String guestPath) {
    List<String> names = List.of(guestPath.split("/", -1));
    for (String name : names) {
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw new HostOperationException("guest path /" + guestPath + " leads outside the guest file system");
      }
    }
    return names;
  }

  private static String last(List<String> names) {
    return names.get(names.size() - 1);
  }

  private static byte[] token() {
    byte[] token = new byte[8];
    RANDOM.nextBytes(token);
    return token;
  }

  private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) {
    try {
      dir.deleteFile(name);
    } catch (IOException ignored) {
      // never made, or gone with the failed rename's directory
    }
  }

  static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.contains("No space left") ? "no space left in the guest file system (" + message + ")" : message;
  }
}
