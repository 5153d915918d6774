package org.xenprovisioner.intake;

import java.util.Arrays;

/** Maps a character position to its 1-based line, so errors name the line a row starts on even after quoted newlines. */
final class LineIndex {

  private final int[] lineStarts;

  LineIndex(String text) {
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

  int lastLine() {
    return lineStarts.length;
  }
}
