package dev.shoal.gateway.logs;

import dev.shoal.schemas.LogBatch;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of one task, at most {@code lines} of them and {@code bytes} of text: what a
 * {@code tail} keeps while it reads backwards through a partition. Older lines that do not fit are
 * dropped as they come, so memory stays bounded by the limits whatever the partition holds.
 */
final class TailWindow {
  private final int maxLines;
  private final long maxBytes;
  private final Deque<LogBatch.Line> lines = new ArrayDeque<>();
  private long bytes;

  TailWindow(int maxLines, long maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  /** A newer line, read forwards: the oldest ones go when the window overflows. */
  void append(LogBatch.Line l) {
    lines.addLast(l);
    bytes += size(l);
    while (lines.size() > maxLines || bytes > maxBytes) {
      bytes -= size(lines.removeFirst());
    }
  }

  /**
   * Lines older than all held (a range read before the ones held), in their order: as many of the
   * newest of them as still fit go in front.
   */
  void prependOlder(TailWindow older) {
    var it = older.lines.descendingIterator();
    while (it.hasNext() && !full()) {
      LogBatch.Line l = it.next();
      if (bytes + size(l) > maxBytes) {
        break;
      }
      lines.addFirst(l);
      bytes += size(l);
    }
  }

  /** Whether older lines can no longer get in. */
  boolean full() {
    return lines.size() >= maxLines || bytes >= maxBytes;
  }

  List<LogBatch.Line> lines() {
    return List.copyOf(lines);
  }

  private static long size(LogBatch.Line l) {
    return l.text().length();
  }
}
