package org.xenprovisioner.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kernel's view of what is mounted where, from {@code /proc/self/mountinfo}. */
record MountTable(List<Entry> entries) {

  record Entry(String source, Path mountPoint) {
  }

  static MountTable read() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MountTable parse(List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split(" ");
      int separator = List.of(fields).indexOf("-");
      if (fields.length < 5 || separator < 0 || separator + 2 >= fields.length) {
        continue;
      }
      entries.add(new Entry(unescape(fields[separator + 2]), Path.of(unescape(fields[4]))));
    }
    return new MountTable(entries);
  }

  boolean isMountPoint(Path path) {
    Path wanted = real(path);
    return entries.stream().anyMatch(entry -> entry.mountPoint().equals(wanted));
  }

  /** The source (device) mounted at the path, the last mount on top if several. */
  String sourceOf(Path path) {
    Path wanted = real(path);
    String source = null;
    for (Entry entry : entries) {
      if (entry.mountPoint().equals(wanted)) {
        source = entry.source();
      }
    }
    return source;
  }

  List<Path> mountPointsOf(String source) {
    return entries.stream().filter(entry -> entry.source().equals(source)).map(Entry::mountPoint).toList();
  }

  static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal (\040). */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
