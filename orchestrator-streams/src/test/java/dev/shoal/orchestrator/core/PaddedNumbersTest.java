package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PaddedNumbersTest {
  @Test
  void writesWhatTheFormatWrote() {
    for (long n : List.of(0L, 1L, 9L, 10L, 99_999L, 999_999L, 1_000_000L, 123_456_789L, 1_764_000_000_000L,
        Long.MAX_VALUE, -1L, -42L)) {
      for (int width : List.of(1, 6, 19, 20)) {
        assertThat(PaddedNumbers.of(n, width)).as("%d in %d", n, width)
            .isEqualTo(String.format(Locale.ROOT, "%0" + width + "d", n));
      }
    }
  }

  @Test
  void slotKeysAndTheirOrder() {
    assertThat(ReplicatedReconciler.slotKey(7)).isEqualTo("000007");
    assertThat(ReplicatedReconciler.slotKey(1_234_567)).isEqualTo("1234567");
    assertThat(ReplicatedReconciler.slotKey(9)).isLessThan(ReplicatedReconciler.slotKey(10));
  }
}
