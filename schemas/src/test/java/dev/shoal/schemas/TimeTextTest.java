package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeTextTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void readsEpochMillisRfc3339AndDurationsAgo() {
    assertThat(TimeText.parse("1700000000000", NOW)).isEqualTo(Instant.parse("2023-11-14T22:13:20Z"));
    assertThat(TimeText.parse(" 2026-11-22T10:15:00Z ", NOW)).isEqualTo(Instant.parse("2026-11-22T10:15:00Z"));
    assertThat(TimeText.parse("2026-11-22 10:15:00+01:00", NOW)).isEqualTo(Instant.parse("2026-11-22T09:15:00Z"));
    assertThat(TimeText.parse("2026-11-22t10:15:00z", NOW)).isEqualTo(Instant.parse("2026-11-22T10:15:00Z"));
    assertThat(TimeText.parse("1h30m", NOW)).isEqualTo(Instant.parse("2026-11-30T10:30:00Z"));
  }

  @Test
  void refusesWhatIsNoTime() {
    for (String bad : new String[] {"", "  ", "yesterday", "2026-13-45T99:99:99Z", "99999999999999999999",
        "-5m", "2026-11-22"}) {
      assertThatThrownBy(() -> TimeText.parse(bad, NOW)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> TimeText.parse(null, NOW)).isInstanceOf(IllegalArgumentException.class);
  }
}
