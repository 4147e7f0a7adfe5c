package dev.shoal.ops.audit;

import dev.shoal.orchestrator.audit.Progress;
import java.io.PrintWriter;
import java.util.Locale;

/** Progress of a long replay on stderr, at most one line a second, and one at the end. */
final class ProgressLines implements Progress {
  private static final long EVERY_NANOS = 1_000_000_000L;

  private final PrintWriter err;
  private final long started = System.nanoTime();
  private long lastPrinted = System.nanoTime();
  private boolean printed;

  ProgressLines(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void update(long done, long total, String what) {
    long now = System.nanoTime();
    if (done < total && now - lastPrinted < EVERY_NANOS) {
      return;
    }
    if (done == total && !printed && now - started < EVERY_NANOS) {
      return; // a short replay needs no progress at all
    }
    lastPrinted = now;
    printed = true;
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    err.printf(Locale.ROOT, "[audit %s] %,d of %,d control records (%d%%), %,.0f records/s, %.1f s%n", what, done, total,
        total == 0 ? 100 : done * 100 / total, done / seconds, seconds);
    err.flush();
  }
}
