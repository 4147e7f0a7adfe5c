package dev.shoal.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.LogBatch;
import org.junit.jupiter.api.Test;

/** A batch an agent sent twice is read once: per task and stream, positions only grow. */
class LineDedupTest {
  @Test
  void aLineAtOrBeforeTheLastPositionOfItsTaskAndStreamIsACopy() {
    LineDedup d = new LineDedup();
    assertThat(d.fresh("t", LogBatch.Line.of(0, LogBatch.STDOUT, "a", 10))).isTrue();
    assertThat(d.fresh("t", LogBatch.Line.of(0, LogBatch.STDOUT, "a", 10))).isFalse();
    assertThat(d.fresh("t", LogBatch.Line.of(0, LogBatch.STDOUT, "old", 5))).isFalse();
    assertThat(d.fresh("t", LogBatch.Line.of(0, LogBatch.STDERR, "e", 5))).as("another stream").isTrue();
    assertThat(d.fresh("u", LogBatch.Line.of(0, LogBatch.STDOUT, "a", 10))).as("another task").isTrue();
    assertThat(d.fresh("t", LogBatch.Line.of(0, LogBatch.STDOUT, "b", 11))).isTrue();
  }
}
