package dev.shoal.gateway.docker;

import dev.shoal.schemas.Durations;

/**
 * Durations between the engine's form (int64 nanoseconds) and Shoal's (Go-style strings such as
 * {@code 5s}). Formatting is exact: whole seconds become {@code 1h2m3s}, anything finer is written
 * in the largest unit that divides it ({@code 1500ms}, {@code 250us}, {@code 7ns}), so no value is
 * rounded on its way through a decimal fraction.
 */
final class EngineDurations {
  private static final long US = 1_000L;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  private EngineDurations() {}

  static String format(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("a duration cannot be negative: " + nanos);
    }
    if (nanos == 0) {
      return "0s";
    }
    if (nanos % S != 0) {
      if (nanos % MS == 0) {
        return nanos / MS + "ms";
      }
      return nanos % US == 0 ? nanos / US + "us" : nanos + "ns";
    }
    long seconds = nanos / S;
    StringBuilder b = new StringBuilder();
    if (seconds >= 3600) {
      b.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      b.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 != 0) {
      b.append(seconds % 60).append('s');
    }
    return b.toString();
  }

  /** Nanoseconds of a Shoal duration string. */
  static long nanos(String shoal) {
    return Durations.parse(shoal).toNanos();
  }
}
