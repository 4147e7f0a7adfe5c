package dev.shoal.agent;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When the agent's convergence passes run, on its one converger thread. Every request is followed by a
 * pass that starts after it (passes are level-triggered, so one pass answers any number of requests),
 * but not every request gets a pass of its own:
 * <ul>
 *   <li>{@link #now()} (a new assignment, a fence, an engine event): a pass as soon as the thread is
 *       free; requests while one is queued share it.
 *   <li>{@link #soon()} (an operation ended, a task exited): the same, unless a pass started less than
 *       {@code spacing} ago; then one pass when the spacing is over, for every such request until then.
 *       A node's hundred starts ending one after another thus make a few passes, not a hundred.
 *   <li>{@link #resync()} (the periodic pass that catches what no event announced): a pass unless one
 *       started within the last {@code resync}: while events keep passes coming it adds none, and a
 *       quiet node still gets one at least every {@code 2 × resync}.
 * </ul>
 */
final class PassRequests {
  private final ScheduledExecutorService thread;
  private final Runnable pass;
  private final long spacingNanos;
  private final LongSupplier nanos;
  /** A pass is queued to run at once and has not started: a request now is answered by it. */
  private boolean queued;
  /** A pass is due at the end of the spacing: a {@link #soon()} request now is answered by it. */
  private ScheduledFuture<?> later;
  private boolean started;
  private long lastStart;

  PassRequests(ScheduledExecutorService thread, Duration spacing, LongSupplier nanos, Runnable pass) {
    this.thread = thread;
    this.pass = pass;
    this.spacingNanos = spacing.toNanos();
    this.nanos = nanos;
  }

  synchronized void now() {
    if (queued) {
      return;
    }
    if (later != null) {
      later.cancel(false); // if it has begun, that is one pass more, never one less
      later = null;
    }
    queued = true;
    try {
      thread.execute(this::runQueued);
    } catch (RejectedExecutionException closing) {
      queued = false;
    }
  }

  synchronized void soon() {
    if (queued || later != null) {
      return;
    }
    long wait = started ? lastStart + spacingNanos - nanos.getAsLong() : 0;
    if (wait <= 0) {
      now();
      return;
    }
    try {
      later = thread.schedule(this::runLater, wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      later = null;
    }
  }

  /** The periodic pass, skipped when one started within {@code resync}; call it on the converger thread. */
  void resync(Duration resync) {
    synchronized (this) {
      if (started && nanos.getAsLong() - lastStart < resync.toNanos()) {
        return;
      }
      starting();
    }
    pass.run();
  }

  // Each clears its mark before the pass: a request that comes in during the pass gets a pass after it.
  private void runQueued() {
    synchronized (this) {
      queued = false;
      starting();
    }
    pass.run();
  }

  private void runLater() {
    synchronized (this) {
      later = null;
      starting();
    }
    pass.run();
  }

  private void starting() {
    started = true;
    lastStart = nanos.getAsLong();
  }
}
