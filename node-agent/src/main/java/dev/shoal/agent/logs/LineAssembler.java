package dev.shoal.agent.logs;

import dev.shoal.agent.runtime.OutputPiece;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Joins the pieces of one stream into lines, keeping at most {@code maxBytes} of a line: the rest is
 * dropped and counted, and the line says so when it is shipped ({@code LogBatch.cutNote}). A line's
 * time is its first piece's; its {@code pos} its last piece's, so it is shipped whole or not at all.
 */
final class LineAssembler {
  /** A finished line: its text cut to the bound, how many bytes that cost, and where it ends. */
  record Assembled(String stream, long time, String text, int bytes, long cutBytes, long pos) {}

  private final String stream;
  private final int maxBytes;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long cut;
  private long time;
  private long pos;
  private boolean open;

  LineAssembler(String stream, int maxBytes) {
    this.stream = stream;
    this.maxBytes = maxBytes;
  }

  /** Adds a piece; returns the line it ends, or null while the line goes on. */
  Assembled add(OutputPiece piece) {
    if (!open) {
      open = true;
      time = piece.time();
    }
    byte[] b = piece.bytes();
    int room = maxBytes - kept.size();
    int take = Math.min(room, b.length);
    kept.write(b, 0, take);
    cut += b.length - take;
    pos = piece.pos();
    return piece.endsLine() ? finish() : null;
  }

  /** The unfinished line as it stands (the task ended, or its output was skipped), or null if there is none. */
  Assembled flush() {
    return open ? finish() : null;
  }

  boolean isOpen() {
    return open;
  }

  private Assembled finish() {
    byte[] b = kept.toByteArray();
    // Cut on a character boundary: a UTF-8 sequence is never split in two.
    int end = cut > 0 ? completeUtf8Prefix(b) : b.length;
    long lost = cut + (b.length - end);
    Assembled a = new Assembled(stream, time, new String(b, 0, end, StandardCharsets.UTF_8), end, lost, pos);
    kept.reset();
    cut = 0;
    open = false;
    return a;
  }

  /** The length of {@code b} without a multi-byte character its end cuts short. */
  static int completeUtf8Prefix(byte[] b) {
    int i = b.length - 1;
    while (i >= 0 && b.length - i <= 4 && (b[i] & 0xC0) == 0x80) {
      i--;
    }
    if (i < 0) {
      return b.length;
    }
    int lead = b[i] & 0xFF;
    int expected = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 1;
    return b.length - i < expected ? i : b.length;
  }
}
