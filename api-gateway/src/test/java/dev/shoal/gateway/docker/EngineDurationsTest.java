package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Durations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineDurationsTest {
  @Test
  void formatsWholeSecondsTheGoWay() {
    assertThat(EngineDurations.format(0)).isEqualTo("0s");
    assertThat(EngineDurations.format(5_000_000_000L)).isEqualTo("5s");
    assertThat(EngineDurations.format(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(EngineDurations.format(3_600_000_000_000L)).isEqualTo("1h");
    assertThat(EngineDurations.format(3_723_000_000_000L)).isEqualTo("1h2m3s");
    // 3 months, the CA expiry dockerd shows: still exact
    assertThat(EngineDurations.format(7_776_000_000_000_000L)).isEqualTo("2160h");
  }

  @Test
  void formatsFractionsInTheLargestExactUnit() {
    assertThat(EngineDurations.format(1_500_000_000L)).isEqualTo("1500ms");
    assertThat(EngineDurations.format(250_000L)).isEqualTo("250us");
    assertThat(EngineDurations.format(7L)).isEqualTo("7ns");
  }

  @Test
  void everyFormattedValueParsesBackToTheSameNanoseconds() {
    Random r = new Random(42);
    for (int i = 0; i < 2000; i++) {
      long nanos = switch (i % 4) {
        case 0 -> r.nextInt(100_000) * 1_000_000_000L;
        case 1 -> r.nextInt(10_000_000) * 1_000_000L;
        case 2 -> r.nextInt(1_000_000) * 1_000L;
        default -> r.nextInt(1_000_000_000);
      };
      assertThat(Durations.parse(EngineDurations.format(nanos)).toNanos()).as("%d ns", nanos).isEqualTo(nanos);
    }
  }
}
