package dev.shoal.gateway.ingress;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request or connection given to one task: counts as in flight (what least-connections
 * balances on) until released. Release is idempotent, so every path that ends a request may call it.
 */
public final class Lease {
  private final Backend backend;
  private final BackendStats stats;
  private final AtomicBoolean released = new AtomicBoolean();

  Lease(Backend backend, BackendStats stats) {
    this.backend = backend;
    this.stats = stats;
    stats.active.incrementAndGet();
    stats.served.incrementAndGet();
  }

  public Backend backend() {
    return backend;
  }

  /** The task failed this request: count it, and pass the task over for {@code backoffNanos} (0: not) while others can serve. */
  void failed(long backoffNanos) {
    stats.failures.incrementAndGet();
    if (backoffNanos > 0) {
      stats.avoidUntilNanos = System.nanoTime() + backoffNanos;
    }
  }

  /** The task answered (accepted the connection, or began a response). */
  void reached() {
    stats.reachable = true;
  }

  void release() {
    if (released.compareAndSet(false, true)) {
      stats.active.decrementAndGet();
    }
  }
}
