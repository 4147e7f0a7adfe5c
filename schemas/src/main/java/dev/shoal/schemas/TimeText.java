package dev.shoal.schemas;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * A point in time as people write it to Shoal (the API's {@code since}, {@code shoal audit at}):
 * epoch milliseconds, an RFC 3339 time, or a Go duration meaning that long ago. One reading for
 * every door, so that a time one of them takes is a time all of them take.
 */
public final class TimeText {
  /** What the accepted forms look like, for error messages. */
  public static final String FORMS = "epoch milliseconds (1700000000000), an RFC 3339 time "
      + "(2024-05-01T12:00:00Z) or a duration meaning that long ago (10m, 1h30m)";

  private TimeText() {}

  /** The instant {@code text} names, {@code now} being the reference for a duration ago. */
  public static Instant parse(String text, Instant now) {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("no time given");
    }
    try {
      if (s.chars().allMatch(Character::isDigit)) {
        return Instant.ofEpochMilli(Long.parseLong(s));
      }
      if (s.length() > 10 && Character.isDigit(s.charAt(0)) && s.charAt(4) == '-') {
        // RFC 3339 also allows a lower-case t and z and a space between date and time.
        return OffsetDateTime.parse(s.toUpperCase(Locale.ROOT).replace(' ', 'T')).toInstant();
      }
      return now.minus(Durations.parse(s));
    } catch (DateTimeException | ArithmeticException e) { // a parse error is a DateTimeException too
      throw new IllegalArgumentException("not a time: " + text, e);
    }
  }
}
