package dev.shoal.agent.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.logs.LogRateLimiter.Verdict;
import org.junit.jupiter.api.Test;

/** Token buckets of lines and bytes: a burst passes, then everything drops until a second's worth refilled. */
class LogRateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final LogSettings settings = LogSettings.DEFAULTS.withMaxLineBytes(100).withRates(10, 20, 1000, 4000);

  @Test
  void aBurstPassesThenLinesDropUntilOneSecondOfTokensIsBack() {
    LogRateLimiter limiter = new LogRateLimiter(settings, 0);
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.admit(1, 0)).isEqualTo(Verdict.ADMIT);
    }
    assertThat(limiter.admit(1, 0)).isEqualTo(Verdict.DROP);
    assertThat(limiter.dropping()).isTrue();
    // Half a second brings five tokens: not enough to stop dropping (a marker per line otherwise).
    assertThat(limiter.admit(1, SECOND / 2)).isEqualTo(Verdict.DROP);
    assertThat(limiter.admit(1, SECOND)).isEqualTo(Verdict.RESUME);
    assertThat(limiter.dropping()).isFalse();
    assertThat(limiter.admit(1, SECOND)).isEqualTo(Verdict.ADMIT);
  }

  @Test
  void bytesAreLimitedToo() {
    LogRateLimiter limiter = new LogRateLimiter(settings, 0);
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.admit(1000, 0)).isEqualTo(Verdict.ADMIT);
    }
    assertThat(limiter.admit(1000, 0)).isEqualTo(Verdict.DROP);
    assertThat(limiter.admit(10, SECOND)).isEqualTo(Verdict.RESUME);
  }

  @Test
  void aSustainedRateWithinTheLimitNeverDrops() {
    LogRateLimiter limiter = new LogRateLimiter(settings, 0);
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.admit(50, i * SECOND / 10)).isEqualTo(Verdict.ADMIT); // 10 lines/s, 500 B/s
    }
  }
}
