package dev.shoal.agent.runtime;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A process task's health check, resolved from the spec with Docker's rules and defaults, and kept
 * in the task's record so an agent that adopts the task after a restart checks it the same way.
 *
 * <p>{@code test} is {@code ["CMD", argv…]}, {@code ["CMD-SHELL", "command"]} (run with
 * {@code /bin/sh -c}) or {@code ["NONE"]} (no check); a test without one of those prefixes is taken as
 * {@code CMD}, as the Docker runtime does. {@code interval} and {@code timeout} default to 30 s,
 * {@code retries} to 3, {@code startPeriod} to 0; as in Docker's API, 0 means the default.
 *
 * @param argv the check's command line, with the task's own {@code ${VARIABLES}} filled in
 */
record HealthSpec(List<String> argv, long intervalMillis, long timeoutMillis, int retries, long startPeriodMillis) {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_RETRIES = 3;

  HealthSpec {
    argv = List.copyOf(argv);
  }

  /**
   * The check for {@code h} with {@code env} (the task's variables) filled into a {@code CMD} test; null
   * when there is none or it is {@code NONE}.
   *
   * @throws IllegalArgumentException with the reason, for a check the process runtime cannot run
   */
  static HealthSpec of(ServiceSpec.HealthCheck h, Map<String, String> env) {
    if (h == null) {
      return null;
    }
    List<String> test = h.test() == null ? List.of() : h.test();
    if (test.isEmpty()) {
      // A container inherits its image's check; a process has no image to inherit one from.
      throw new IllegalArgumentException("healthcheck.test is empty and a process has no image to inherit a check from");
    }
    String kind = test.get(0);
    if (kind.equals("NONE")) {
      return null;
    }
    List<String> rest = kind.equals("CMD") || kind.equals("CMD-SHELL") ? test.subList(1, test.size()) : test;
    if (rest.isEmpty() || rest.get(0) == null || rest.get(0).isBlank()) {
      throw new IllegalArgumentException("healthcheck.test has no command after " + kind);
    }
    List<String> argv = new ArrayList<>();
    if (kind.equals("CMD-SHELL")) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.addAll(rest);
    } else {
      rest.forEach(a -> argv.add(ProcessLaunch.interpolate(a, env)));
    }
    int retries = h.retries() == null || h.retries() == 0 ? DEFAULT_RETRIES : h.retries();
    if (retries < 0) {
      throw new IllegalArgumentException("healthcheck.retries must not be negative, got " + h.retries());
    }
    return new HealthSpec(argv, orDefault("interval", h.interval(), DEFAULT_INTERVAL),
        orDefault("timeout", h.timeout(), DEFAULT_TIMEOUT), retries,
        orDefault("startPeriod", h.startPeriod(), Duration.ZERO));
  }

  private static long orDefault(String field, String value, Duration fallback) {
    Duration d;
    try {
      d = Durations.parseOr(value, fallback);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("healthcheck." + field + ": " + e.getMessage());
    }
    if (!d.isZero() && d.toMillis() < 1) {
      throw new IllegalArgumentException("healthcheck." + field + " must be 0 (the default) or at least 1ms, as Docker"
          + " requires, got " + value);
    }
    return (d.isZero() ? fallback : d).toMillis();
  }
}
