package dev.shoal.gateway.logs;

import java.time.Duration;

/**
 * What one gateway gives log readers at most (DESIGN principle 5: no request is unbounded). The
 * values and their reasons are in {@code docs/limits.md}.
 *
 * @param maxLines lines in a response without {@code follow} (and before following); a larger {@code tail} too
 * @param maxBytes bytes of text in such a response
 * @param readTimeout how long reading the lines that are there may take
 * @param maxFollow how long a {@code follow} goes on; the client reconnects with {@code since} to go on
 * @param maxReaders requests reading at once, without {@code follow}
 * @param maxFollowers requests following at once
 */
public record LogLimits(int maxLines, long maxBytes, Duration readTimeout, Duration maxFollow, int maxReaders,
                        int maxFollowers) {
  public static final LogLimits DEFAULTS = new LogLimits(50_000, 32L * 1024 * 1024, Duration.ofSeconds(30),
      Duration.ofHours(1), 8, 32);

  public LogLimits withMaxFollow(Duration d) {
    return new LogLimits(maxLines, maxBytes, readTimeout, d, maxReaders, maxFollowers);
  }

  public LogLimits withReaders(int readers, int followers) {
    return new LogLimits(maxLines, maxBytes, readTimeout, maxFollow, readers, followers);
  }

  public LogLimits withMaxLines(int lines) {
    return new LogLimits(lines, maxBytes, readTimeout, maxFollow, maxReaders, maxFollowers);
  }
}
