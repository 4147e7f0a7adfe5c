package dev.shoal.schemas;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go-style durations ({@code "1h2m3.5s"}, {@code "500ms"}, {@code "0s"}, {@code "0"}) as Swarm writes them. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Durations() {}

  /** Throws {@link IllegalArgumentException} with a readable reason on bad input. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double nanos = 0;
    while (m.find()) {
      if (m.start() != pos) {
        break;
      }
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      pos = m.end();
    }
    if (pos != s.length() || pos == 0) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 500ms, 5s, 1m30s)");
    }
    return Duration.ofNanos((long) nanos);
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
