package dev.shoal.gateway.logs;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.Durations;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reads the query parameters of a logs request, as {@code /v1} and as dockerd take them. */
final class LogParams {
  private LogParams() {}

  /** {@code /v1}'s booleans: {@code true}/{@code 1} or {@code false}/{@code 0}; 400 otherwise. */
  static boolean flag(Context ctx, String name, boolean byDefault) {
    String v = ctx.queryParam(name);
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
  static boolean engineFlag(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return false;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
  }

  /** {@code tail}: {@code all} (or absent) for every line, else a count of at least 0. */
  static Integer tail(Context ctx) {
    String v = ctx.queryParam("tail");
    if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("all")) {
      return null;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        return null; // dockerd reads a negative tail as all
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("tail must be all or a number of lines; got \"" + v + "\"");
    }
  }

  /**
   * {@code /v1}'s {@code since}, as its events take it: epoch milliseconds, an RFC 3339 time, or a
   * Go duration meaning that long ago. Returns epoch nanoseconds, 0 when absent.
   */
  static long since(Context ctx, Instant now) {
    String v = ctx.queryParam("since");
    if (v == null || v.isBlank()) {
      return 0;
    }
    String s = v.trim();
    try {
      if (s.chars().allMatch(Character::isDigit)) {
        return Math.multiplyExact(Long.parseLong(s), 1_000_000L);
      }
      if (s.length() > 10 && Character.isDigit(s.charAt(0)) && s.charAt(4) == '-') {
        return nanos(OffsetDateTime.parse(s.toUpperCase(Locale.ROOT).replace(' ', 'T')).toInstant());
      }
      return nanos(now.minus(Durations.parse(s)));
    } catch (ArithmeticException | DateTimeParseException | IllegalArgumentException e) {
      throw ApiException.badRequest("since must be epoch milliseconds (1700000000000), an RFC 3339 time "
          + "(2024-05-01T12:00:00Z) or a duration meaning that long ago (10m, 1h30m); got \"" + v + "\"");
    }
  }

  /**
   * dockerd's {@code since}: Unix seconds with an optional fraction ({@code 1700000000.000000000},
   * what the CLI sends for {@code --since 10m} or a date). Epoch nanoseconds, 0 when absent or 0.
   */
  static long engineSince(Context ctx) {
    String v = ctx.queryParam("since");
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      BigDecimal seconds = new BigDecimal(v.trim());
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(9_000_000_000L)) > 0) {
        throw new NumberFormatException();
      }
      return seconds.movePointRight(9).longValue();
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid since: \"" + v + "\" is not Unix seconds such as 1700000000.000000000");
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
