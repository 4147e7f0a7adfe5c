package dev.shoal.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.LogBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A sink that keeps what it is sent, in order, as Kafka would. It can refuse batches, or store them
 * and still answer with an error (an acknowledgement lost on the way back).
 */
final class RecordingSink implements LogSink {
  enum Mode { STORE, REFUSE, STORE_BUT_FAIL }

  private final List<LogBatch> stored = new ArrayList<>();
  private volatile Mode mode = Mode.STORE;
  private int failures;

  void mode(Mode m) {
    mode = m;
  }

  @Override
  public synchronized CompletableFuture<Void> send(LogBatch batch, byte[] value) {
    assertThat(value.length).isLessThanOrEqualTo(LogBatch.MAX_BYTES);
    if (mode != Mode.REFUSE) {
      stored.add(batch);
    }
    if (mode == Mode.STORE) {
      return CompletableFuture.completedFuture(null);
    }
    failures++;
    return CompletableFuture.failedFuture(new IllegalStateException("no acknowledgement"));
  }

  synchronized int failures() {
    return failures;
  }

  /** Every line stored for the task, as sent (duplicates included). */
  synchronized List<LogBatch.Line> raw(String taskId) {
    return stored.stream().filter(b -> b.taskId().equals(taskId)).flatMap(b -> b.lines().stream()).toList();
  }

  /** The task's lines as a reader sees them: a line not beyond the last of its stream is dropped. */
  synchronized List<LogBatch.Line> lines(String taskId) {
    Map<String, Long> last = new HashMap<>();
    List<LogBatch.Line> out = new ArrayList<>();
    for (LogBatch.Line l : raw(taskId)) {
      if (l.pos() > last.getOrDefault(l.stream(), Long.MIN_VALUE)) {
        last.put(l.stream(), l.pos());
        out.add(l);
      }
    }
    return out;
  }

  /** The texts of {@link #lines} of one stream. */
  List<String> texts(String taskId, String stream) {
    return lines(taskId).stream().filter(l -> l.stream().equals(stream)).map(LogBatch.Line::text).toList();
  }

  @Override
  public void close() {}
}
