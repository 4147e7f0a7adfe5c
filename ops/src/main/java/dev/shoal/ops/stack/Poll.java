package dev.shoal.ops.stack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, failing with a description when it does not come true in time. */
public final class Poll {
  private Poll() {}

  /** Polls every {@code interval} until {@code condition} holds; throws {@link IllegalStateException} after {@code timeout}. */
  public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      pause(interval);
    }
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, Duration.ofMillis(100), condition);
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
