package dev.shoal.gateway.rest;

import dev.shoal.gateway.ApiException;
import dev.shoal.schemas.TimeText;
import java.time.Instant;

/**
 * Reads a {@code since} parameter as Docker does: epoch milliseconds, an RFC 3339 time, or a Go
 * duration meaning "that long ago".
 */
final class Since {
  private Since() {}

  /** Epoch milliseconds; 400 with an example when {@code text} is none of the three forms. */
  static long parse(String text, Instant now) {
    try {
      return TimeText.parse(text, now).toEpochMilli();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw ApiException.badRequest("since must be " + TimeText.FORMS + "; got \"" + text + "\"");
    }
  }
}
