package dev.shoal.agent.runtime;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops what a runtime still runs when it closes (the backstop behind the agent's own shutdown, which
 * has normally stopped everything by then), on at most {@link #THREADS} threads rather than one per task.
 * Each stop mostly waits (a grace period capped by the runtime), so they run side by side: up to
 * {@code THREADS} tasks stop within one capped grace, more within one per {@code THREADS}.
 */
public final class CloseStoppers {
  /** Wide, because these threads wait rather than work, and only for a runtime that is closing. */
  public static final int THREADS = 64;

  private CloseStoppers() {}

  /** Runs every stop, {@code threads} at a time at most, and returns once all have ended (or on interrupt). */
  public static void runAll(List<Runnable> stops, int threads, String namePrefix) {
    if (stops.isEmpty()) {
      return;
    }
    AtomicInteger n = new AtomicInteger();
    int size = Math.min(stops.size(), threads);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, namePrefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    stops.forEach(pool::execute);
    pool.shutdown();
    try {
      pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
