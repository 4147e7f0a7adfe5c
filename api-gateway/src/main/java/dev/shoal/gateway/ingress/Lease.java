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

  /** The task could not be reached: count it and pass it over for {@code backoffNanos} while others can serve. */
  void failed(long backoffNanos) {
    stats.failures.incrementAndGet();
    stats.avoidUntilNanos = System.nanoTime() + backoffNanos;
  }

  void release() {
    if (released.compareAndSet(false, true)) {
      stats.active.decrementAndGet();
    }
  }
}
