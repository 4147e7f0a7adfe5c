package dev.shoal.schemas;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Go-style durations ({@code "1h2m3.5s"}, {@code "500ms"}, {@code "0s"}, {@code "0"}) as Swarm
 * writes them. Arithmetic is exact: a duration that does not fit a signed 64-bit count of
 * nanoseconds (Go's limit, about 292 years) is refused, never wrapped or saturated.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d{1,30}(?:\\.\\d{1,30})?)(ns|us|µs|ms|s|m|h)");
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
  /** Longer inputs are refused before any parsing, so a hostile string costs nothing. */
  private static final int MAX_TEXT = 64;

  /**
   * Texts parsed before: specs name a handful of durations and every rolling-update step reads them
   * again, and the regex and BigDecimal of a parse were a visible share of a decision. Bounded, so a
   * stream of distinct texts cannot grow it.
   */
  private static final int MAX_REMEMBERED = 1_024;
  private static final java.util.concurrent.ConcurrentHashMap<String, Duration> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Durations() {}

  /** Throws {@link IllegalArgumentException} with a readable reason on bad input. */
  public static Duration parse(String text) {
    Duration known = text == null ? null : PARSED.get(text);
    if (known != null) {
      return known;
    }
    Duration d = parseText(text);
    if (PARSED.size() < MAX_REMEMBERED) {
      PARSED.put(text, d);
    }
    return d;
  }

  private static Duration parseText(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String s = text.trim();
    if (s.length() > MAX_TEXT) {
      throw new IllegalArgumentException("invalid duration: longer than " + MAX_TEXT + " characters");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (m.find()) {
      if (m.start() != pos) {
        break;
      }
      BigDecimal n = new BigDecimal(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
      pos = m.end();
    }
    if (pos != s.length() || pos == 0) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 500ms, 5s, 1m30s)");
    }
    BigInteger whole = nanos.toBigInteger();
    if (whole.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": too long");
    }
    return Duration.ofNanos(whole.longValueExact());
  }

  /** Like {@link #parse} but {@code fallback} for null. */
  public static Duration parseOr(String text, Duration fallback) {
    return text == null ? fallback : parse(text);
  }

  /** Formats as Go does for whole units: {@code 5s}, {@code 1m30s}, {@code 500ms}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    StringBuilder b = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    double s = d.toSecondsPart() + d.toMillisPart() / 1000.0;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s == Math.floor(s) ? String.valueOf((long) s) : String.valueOf(s)).append('s');
    }
    return b.toString();
  }
}
