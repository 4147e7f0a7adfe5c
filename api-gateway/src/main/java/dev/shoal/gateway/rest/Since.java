package dev.shoal.gateway.rest;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.Durations;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads a {@code since} parameter as Docker does: epoch milliseconds, an RFC 3339 time, or a Go
 * duration meaning "that long ago".
 */
final class Since {
  private Since() {}

  /** Epoch milliseconds; 400 with an example when {@code text} is none of the three forms. */
  static long parse(String text, Instant now) {
    String s = text.trim();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
    }
    if (s.length() > 10 && Character.isDigit(s.charAt(0)) && s.charAt(4) == '-') {
      try {
        // RFC 3339 also allows a lower-case t and z and a space between date and time.
        String iso = s.toUpperCase(Locale.ROOT).replace(' ', 'T');
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    try {
      return now.minus(Durations.parse(s)).toEpochMilli();
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
  }

  private static ApiException invalid(String text) {
    return ApiException.badRequest("since must be epoch milliseconds (1700000000000), an RFC 3339 time "
        + "(2024-05-01T12:00:00Z) or a duration meaning that long ago (10m, 1h30m); got \"" + text + "\"");
  }
}
