package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.ApiException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SinceTest {
  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  @Test
  void readsEpochMillis() {
    assertThat(Since.parse("1700000000000", NOW)).isEqualTo(1_700_000_000_000L);
    assertThat(Since.parse("0", NOW)).isZero();
  }

  @Test
  void readsRfc3339WithOffsetsFractionsAndLowerCase() {
    assertThat(Since.parse("2025-01-01T11:00:00Z", NOW)).isEqualTo(NOW.toEpochMilli() - 3_600_000);
    assertThat(Since.parse("2025-01-01t13:00:00.5+02:00", NOW)).isEqualTo(NOW.toEpochMilli() - 3_600_000 + 500);
    assertThat(Since.parse("2025-01-01 11:00:00z", NOW)).isEqualTo(NOW.toEpochMilli() - 3_600_000);
  }

  @Test
  void readsAGoDurationAsThatLongAgo() {
    assertThat(Since.parse("10m", NOW)).isEqualTo(NOW.toEpochMilli() - 600_000);
    assertThat(Since.parse("1h30m", NOW)).isEqualTo(NOW.toEpochMilli() - 5_400_000);
    assertThat(Since.parse("500ms", NOW)).isEqualTo(NOW.toEpochMilli() - 500);
  }

  @Test
  void refusesAnythingElse() {
    for (String bad : new String[] {"", "soon", "2025-01-01", "10x", "99999999999999999999"}) {
      assertThatThrownBy(() -> Since.parse(bad, NOW)).as(bad).isInstanceOf(ApiException.class)
          .hasMessageStartingWith("since must be");
    }
  }
}
