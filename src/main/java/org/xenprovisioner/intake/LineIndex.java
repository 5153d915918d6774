package org.xenprovisioner.intake;

import java.util.Arrays;

/** Maps a character position to its 1-based line, so errors name the line a row starts on even after quoted newlines. */
final class LineIndex {

  private final String text;
  private final int[] lineStarts;

  LineIndex(String text) {
    this.text = text;
    int[] starts = new int[16];
    int count = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        if (count == starts.length) {
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count++] = i + 1;
      }
    }
    lineStarts = Arrays.copyOf(starts, count);
  }

  int lineAt(long position) {
    int found = Arrays.binarySearch(lineStarts, (int) position);
    return found >= 0 ? found + 1 : -found - 1;
  }

  /**
   * The line a record's data starts on. commons-csv reports a record's position before the blank
   * and comment lines it skipped on the way, so those are stepped over here.
   */
  int recordLine(long position) {
    int line = lineAt(position);
    while (line < lastLine() && isBlankOrComment(line)) {
      line++;
    }
    return line;
  }

  /** The first line after the given one that holds data (neither blank nor a comment), or the last line. */
  int firstDataLineAfter(int line) {
    int next = Math.min(line + 1, lastLine());
    while (next < lastLine() && isBlankOrComment(next)) {
      next++;
    }
    return next;
  }

  private boolean isBlankOrComment(int line) {
    int start = lineStarts[line - 1];
    int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
    if (end > start && text.charAt(end - 1) == '\r') {
      end--;
    }
    return end == start || text.charAt(start) == '#';
  }

  int lastLine() {
    return lineStarts.length;
  }
}
