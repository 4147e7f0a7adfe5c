package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.TimeText;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads the query parameters of a logs request, as {@code /v1} and as dockerd take them: each
 * function takes the parameter's raw value (null when absent), so the rules are testable alone.
 */
final class LogParams {
  private LogParams() {}

  /** {@code /v1}'s booleans: {@code true}/{@code 1} or {@code false}/{@code 0}; 400 otherwise. */
  static boolean flag(String name, String v, boolean byDefault) {
    if (v == null || v.isBlank()) {
      return byDefault;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw ApiException.badRequest(name + " must be true or false; got \"" + v + "\"");
    };
  }

  /** dockerd's booleans ({@code httputils.BoolValue}): anything but empty, 0, no, false or none is true. */
  static boolean engineFlag(String v) {
    if (v == null) {
      return false;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
  }

  /**
   * {@code tail}: {@code all} (or absent) for every line, else a count of at least 0 and at most
   * {@code max} (400 beyond it: a silently shorter answer would look like a task that printed less).
   */
  static Integer tail(String v, int max) {
    if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("all")) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("tail must be all or a number of lines up to " + max + "; got \"" + v + "\"");
    }
    if (n < 0) {
      return null; // dockerd reads a negative tail as all
    }
    if (n > max) {
      throw ApiException.badRequest("tail must be at most " + max + " lines (the gateway's limit); got " + n
          + "; use since to read further back");
    }
    return (int) n;
  }

  /**
   * {@code /v1}'s {@code since}, as its events take it: epoch milliseconds, an RFC 3339 time, or a
   * Go duration meaning that long ago. Returns epoch nanoseconds, 0 when absent.
   */
  static long since(String v, Instant now) {
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      return nanos(TimeText.parse(v, now));
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw ApiException.badRequest("since must be " + TimeText.FORMS + "; got \"" + v + "\"");
    }
  }

  /**
   * dockerd's {@code since}: Unix seconds with an optional fraction ({@code 1700000000.000000000},
   * what the CLI sends for {@code --since 10m} or a date). Epoch nanoseconds, 0 when absent or 0.
   */
  static long engineSince(String v) {
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      BigDecimal seconds = new BigDecimal(v.trim());
      // Beyond year 2255 or negative is a mistake; the bound also keeps the nanoseconds in a long.
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(9_000_000_000L)) > 0) {
        throw new NumberFormatException();
      }
      return seconds.movePointRight(9).longValue();
    } catch (NumberFormatException | ArithmeticException e) {
      throw ApiException.badRequest("invalid since: \"" + v + "\" is not Unix seconds such as 1700000000.000000000");
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
