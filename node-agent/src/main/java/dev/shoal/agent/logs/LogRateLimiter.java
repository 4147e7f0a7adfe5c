package dev.shoal.agent.logs;

/**
 * One task's rate limit: a token bucket of lines and one of bytes, refilled at their rates up to
 * their bursts. A line that finds either bucket short is dropped, and so is everything after it
 * until both have refilled one second's worth: a task that keeps writing too fast ships a burst,
 * then drops a while, and its marker lines ({@code … N lines dropped}) come about once a second
 * instead of between every two lines. Time is the caller's (monotonic nanoseconds).
 */
final class LogRateLimiter {
  /** What to do with a line. */
  enum Verdict {
    /** Ship it. */
    ADMIT,
    /** Ship it, after a marker line for what was dropped before it. */
    RESUME,
    /** Drop it. */
    DROP
  }

  private final Bucket lines;
  private final Bucket bytes;
  private boolean dropping;

  LogRateLimiter(LogSettings s, long now) {
    lines = new Bucket(s.linesPerSecond(), s.lineBurst(), now);
    bytes = new Bucket(s.bytesPerSecond(), s.byteBurst(), now);
  }

  Verdict admit(long lineBytes, long now) {
    lines.refill(now);
    bytes.refill(now);
    if (dropping) {
      if (!lines.hasSecondsWorth() || !bytes.hasSecondsWorth()) {
        return Verdict.DROP;
      }
      dropping = false;
      take(lineBytes);
      return Verdict.RESUME;
    }
    if (lines.tokens >= 1 && bytes.tokens >= lineBytes) {
      take(lineBytes);
      return Verdict.ADMIT;
    }
    dropping = true;
    return Verdict.DROP;
  }

  boolean dropping() {
    return dropping;
  }

  private void take(long lineBytes) {
    lines.tokens -= 1;
    // A line longer than the byte burst still passes once the bucket is full, leaving it in debt.
    bytes.tokens -= lineBytes;
  }

  /** A bucket: tokens up to {@code burst}, refilled at {@code rate} per second. */
  private static final class Bucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long last;

    Bucket(double rate, double burst, long now) {
      this.rate = rate;
      this.burst = burst;
      this.tokens = burst;
      this.last = now;
    }

    void refill(long now) {
      if (now > last) {
        tokens = Math.min(burst, tokens + rate * (now - last) / 1e9);
        last = now;
      }
    }

    boolean hasSecondsWorth() {
      return tokens >= Math.min(rate, burst);
    }
  }
}
