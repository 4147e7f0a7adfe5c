package dev.shoal.orchestrator.audit;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs a {@code verify}'s comparison ({@link Verifier}: reading the derived topics and comparing
 * bytes) on a thread of its own, one step after another in the order given, while the replay's
 * thread decides the next inputs. Only that thread touches the verifier until {@link #finish};
 * at most {@link #AHEAD} steps wait (each holds a decision's outputs), so memory stays bounded. A
 * step that throws stops the run: the next call here throws it.
 */
final class ComparisonThread implements AutoCloseable {
  /** Steps that may wait for the comparison. */
  static final int AHEAD = 2_000;

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "shoal-audit-compare");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore room = new Semaphore(AHEAD);
  private volatile Throwable failed;

  /** Queues {@code step}; waits while {@link #AHEAD} steps wait. */
  void then(Runnable step) {
    rethrow();
    room.acquireUninterruptibly();
    thread.execute(() -> {
      try {
        if (failed == null) {
          step.run();
        }
      } catch (RuntimeException | Error e) {
        failed = e;
      } finally {
        room.release();
      }
    });
  }

  /** Waits for every queued step; throws what one of them threw. */
  void finish() {
    Future<?> last = thread.submit(() -> { });
    try {
      last.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayException("interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    rethrow();
  }

  private void rethrow() {
    Throwable t = failed;
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
