package dev.shoal.gateway.ingress;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Traffic of one task through one published port, kept while the task serves or has traffic in flight. */
final class BackendStats {
  /** The task as last seen in a route (its address may change only with a new task, but keep the latest). */
  volatile Backend backend;
  final AtomicInteger active = new AtomicInteger();
  final AtomicLong served = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  /** Until this {@link System#nanoTime()} the task is passed over when another can serve. */
  volatile long avoidUntilNanos;
  /** Seen accepting a connection; until then the task takes traffic only when no such task does. */
  volatile boolean reachable;
  /** A probe of the task is under way. */
  final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();

  BackendStats(Backend backend) {
    this.backend = backend;
  }

  boolean avoided(long nowNanos) {
    return nowNanos - avoidUntilNanos < 0;
  }
}
