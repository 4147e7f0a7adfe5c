package dev.shoal.gateway.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as Docker writes them in logs: Go's RFC 3339 with nanoseconds, trailing zeros dropped. */
final class LogTimes {
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  private LogTimes() {}

  /** {@code 2026-11-22T08:16:45.12345Z} for epoch nanoseconds. */
  static String rfc3339Nano(long epochNanos) {
    Instant t = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    StringBuilder b = new StringBuilder(SECONDS.format(t));
    if (t.getNano() != 0) {
      String frac = String.format("%09d", t.getNano());
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(frac, 0, end);
    }
    return b.append('Z').toString();
  }
}
