package dev.shoal.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.ApiException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The query parameters of both logs surfaces, read without a server. */
class LogParamsTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private static int status(Runnable r) {
    try {
      r.run();
      return 200;
    } catch (ApiException e) {
      return e.status();
    }
  }

  @Test
  void tailIsAllOrACountUpToTheLimitAndJustOverItIsA400() {
    assertThat(LogParams.tail(null, 10)).isNull();
    assertThat(LogParams.tail("all", 10)).isNull();
    assertThat(LogParams.tail("-1", 10)).as("dockerd reads a negative tail as all").isNull();
    assertThat(LogParams.tail("0", 10)).isZero();
    assertThat(LogParams.tail(" 10 ", 10)).isEqualTo(10);
    assertThatThrownBy(() -> LogParams.tail("11", 10)).isInstanceOf(ApiException.class)
        .hasMessageContaining("tail must be at most 10 lines");
    assertThat(status(() -> LogParams.tail("11", 10))).isEqualTo(400);
    assertThat(status(() -> LogParams.tail("99999999999999999999", 10))).isEqualTo(400);
    assertThat(status(() -> LogParams.tail("ten", 10))).isEqualTo(400);
  }

  @Test
  void restFlagsAreStrictAndEngineFlagsAreReadAsDockerdDoes() {
    assertThat(LogParams.flag("follow", null, false)).isFalse();
    assertThat(LogParams.flag("follow", "1", false)).isTrue();
    assertThat(LogParams.flag("stdout", "FALSE", true)).isFalse();
    assertThat(status(() -> LogParams.flag("follow", "yes", false))).isEqualTo(400);
    assertThat(LogParams.engineFlag(null)).isFalse();
    assertThat(LogParams.engineFlag("")).isFalse();
    assertThat(LogParams.engineFlag("0")).isFalse();
    assertThat(LogParams.engineFlag("none")).isFalse();
    assertThat(LogParams.engineFlag("1")).isTrue();
    assertThat(LogParams.engineFlag("yes")).isTrue();
  }

  @Test
  void restSinceTakesMillisecondsTimesAndDurations() {
    assertThat(LogParams.since(null, NOW)).isZero();
    assertThat(LogParams.since("1700000000000", NOW)).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(LogParams.since("2026-11-30T11:00:00.5Z", NOW))
        .isEqualTo(LogParams.nanos(Instant.parse("2026-11-30T11:00:00.5Z")));
    assertThat(LogParams.since("10m", NOW)).isEqualTo(LogParams.nanos(NOW.minusSeconds(600)));
    assertThat(status(() -> LogParams.since("yesterday", NOW))).isEqualTo(400);
    assertThat(status(() -> LogParams.since("99999999999999999999", NOW))).isEqualTo(400);
  }

  @Test
  void engineSinceIsUnixSecondsWithAFraction() {
    assertThat(LogParams.engineSince(null)).isZero();
    assertThat(LogParams.engineSince("1700000000.000000001")).isEqualTo(1_700_000_000_000_000_001L);
    assertThat(LogParams.engineSince("0")).isZero();
    assertThat(status(() -> LogParams.engineSince("-1"))).isEqualTo(400);
    assertThat(status(() -> LogParams.engineSince("9000000001"))).isEqualTo(400);
    assertThat(status(() -> LogParams.engineSince("10m"))).isEqualTo(400);
  }
}
