package dev.shoal.ops.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code wrk --latency} run printed: requests per second, the 50th and 99th latency
 * percentiles in milliseconds, and the errors it counted (non-2xx/3xx answers and socket errors).
 */
public record WrkResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long errors) {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in ");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
  private static final Pattern SOCKET = Pattern.compile(
      "Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");

  /** Parses wrk's report; throws when a figure the benchmark needs is missing. */
  public static WrkResult parse(String report) {
    double rps = Double.parseDouble(find(RPS, report, "Requests/sec"));
    long total = Long.parseLong(find(TOTAL, report, "requests in"));
    long errors = 0;
    Matcher m = NON_2XX.matcher(report);
    if (m.find()) {
      errors += Long.parseLong(m.group(1));
    }
    m = SOCKET.matcher(report);
    if (m.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(m.group(g));
      }
    }
    return new WrkResult(rps, percentile(report, "50%"), percentile(report, "99%"), total, errors);
  }

  private static String find(Pattern p, String report, String what) {
    Matcher m = p.matcher(report);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + what + " in wrk's report:\n" + report);
    }
    return m.group(1);
  }

  /** A line of wrk's latency distribution, e.g. {@code 99%    3.21ms}, in milliseconds. */
  private static double percentile(String report, String which) {
    Matcher m = Pattern.compile("^\\s*" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
        .matcher(report);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + which + " latency in wrk's report (run with --latency):\n" + report);
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }
}
