package dev.shoal.agent.logs;

import java.util.concurrent.atomic.AtomicLong;

/** Log counters summed over every service, for assertions. */
final class CountingCounters implements LogCounters {
  final AtomicLong shipped = new AtomicLong();
  final AtomicLong droppedLines = new AtomicLong();
  final AtomicLong droppedBytes = new AtomicLong();
  final AtomicLong skippedBytes = new AtomicLong();
  final AtomicLong cut = new AtomicLong();
  final AtomicLong failedBatches = new AtomicLong();

  @Override
  public void shipped(String service, int lines) {
    shipped.addAndGet(lines);
  }

  @Override
  public void dropped(String service, long lines, long bytes) {
    droppedLines.addAndGet(lines);
    droppedBytes.addAndGet(bytes);
  }

  @Override
  public void skipped(String service, long bytes) {
    skippedBytes.addAndGet(bytes);
  }

  @Override
  public void cut(String service) {
    cut.incrementAndGet();
  }

  @Override
  public void batch(String outcome) {
    if (outcome.equals("failed")) {
      failedBatches.incrementAndGet();
    }
  }
}
