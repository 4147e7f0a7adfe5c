package dev.shoal.agent.runtime;

/**
 * The health status of one task from its check results, with Docker's rules (moby
 * {@code daemon/health.go}): it starts {@code starting}; a passing check makes it {@code healthy} and
 * clears the failing streak; a failing one adds to the streak, and {@code retries} failures in a row
 * make it {@code unhealthy}. While the task has never passed and is within its start period, failures
 * do not count, so a slow starter is not called unhealthy; the first pass ends the start period.
 * Pure: time is the caller's.
 */
final class HealthState {
  static final String STARTING = "starting";
  static final String HEALTHY = "healthy";
  static final String UNHEALTHY = "unhealthy";

  private final int retries;
  private final long startPeriodMillis;
  private String status;
  private int failingStreak;

  /** @param status where it stands now: {@link #STARTING} for a new task, the last one known for an adopted one */
  HealthState(int retries, long startPeriodMillis, String status) {
    this.retries = retries;
    this.startPeriodMillis = startPeriodMillis;
    this.status = status == null ? STARTING : status;
  }

  String status() {
    return status;
  }

  int failingStreak() {
    return failingStreak;
  }

  /**
   * Takes in one check's result; returns whether the status changed.
   *
   * @param sinceStartMillis when the check started, in milliseconds after the task started
   */
  boolean record(boolean passed, long sinceStartMillis) {
    String before = status;
    if (passed) {
      failingStreak = 0;
      status = HEALTHY;
    } else if (!(status.equals(STARTING) && sinceStartMillis < startPeriodMillis)) {
      failingStreak++;
      if (failingStreak >= retries) {
        status = UNHEALTHY;
      }
    }
    return !status.equals(before);
  }
}
