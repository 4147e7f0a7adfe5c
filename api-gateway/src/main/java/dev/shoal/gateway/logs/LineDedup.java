package dev.shoal.gateway.logs;

import dev.shoal.schemas.LogBatch;
import java.util.HashMap;
import java.util.Map;

/**
 * Drops lines read before: an agent may send a batch again (after a restart, or when Kafka stored
 * it but the acknowledgement was lost), and its lines carry their place in their stream
 * ({@link LogBatch.Line#pos}), which only grows. So a line at or before the last one read of its
 * task's stream is a copy.
 */
final class LineDedup {
  private final Map<String, long[]> last = new HashMap<>();

  /** Whether the line is new, remembering it if so; lines must be offered in the order they were stored. */
  boolean fresh(String taskId, LogBatch.Line line) {
    long[] l = last.computeIfAbsent(taskId, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
    int i = LogBatch.STDERR.equals(line.stream()) ? 1 : 0;
    if (line.pos() <= l[i]) {
      return false;
    }
    l[i] = line.pos();
    return true;
  }
}
