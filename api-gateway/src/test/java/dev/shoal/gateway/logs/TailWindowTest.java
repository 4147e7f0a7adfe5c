package dev.shoal.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.LogBatch;
import org.junit.jupiter.api.Test;

/** A tail's window keeps the newest lines within its limits, however many pass through it. */
class TailWindowTest {
  private static LogBatch.Line l(String text, long pos) {
    return LogBatch.Line.of(pos, LogBatch.STDOUT, text, pos);
  }

  private static TailWindow of(int lines, long bytes, String... texts) {
    TailWindow w = new TailWindow(lines, bytes);
    for (int i = 0; i < texts.length; i++) {
      w.append(l(texts[i], i));
    }
    return w;
  }

  @Test
  void appendingKeepsTheNewestLines() {
    TailWindow w = of(3, 1_000, "a", "b", "c", "d", "e");
    assertThat(w.lines()).extracting(LogBatch.Line::text).containsExactly("c", "d", "e");
    assertThat(w.full()).isTrue();
  }

  @Test
  void appendingKeepsWithinTheByteLimit() {
    TailWindow w = of(100, 5, "aaa", "bb", "cc");
    assertThat(w.lines()).extracting(LogBatch.Line::text).containsExactly("bb", "cc");
  }

  @Test
  void olderRangesFillTheFrontWithTheirNewestLines() {
    TailWindow w = of(4, 1_000, "x", "y");
    assertThat(w.full()).isFalse();
    w.prependOlder(of(10, 1_000, "o1", "o2", "o3"));
    assertThat(w.lines()).extracting(LogBatch.Line::text).containsExactly("o2", "o3", "x", "y");
    assertThat(w.full()).isTrue();
    w.prependOlder(of(10, 1_000, "older"));
    assertThat(w.lines()).extracting(LogBatch.Line::text).containsExactly("o2", "o3", "x", "y");
  }

  @Test
  void olderLinesThatWouldPassTheByteLimitStayOut() {
    TailWindow w = of(10, 6, "abcd");
    w.prependOlder(of(10, 100, "123", "zz"));
    assertThat(w.lines()).extracting(LogBatch.Line::text).containsExactly("zz", "abcd");
  }
}
