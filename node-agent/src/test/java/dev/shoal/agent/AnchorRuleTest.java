package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the next heartbeat anchors a new chain: anchor at time 10,000, beats 500 ms apart. */
class AnchorRuleTest {
  @Test
  void noChainYetOrAnExhaustedOneAnchors() {
    assertThat(AnchorRule.anchorDue(0, 0, 500, 10_000, 0)).isTrue();
    assertThat(AnchorRule.anchorDue(600, 10_000, 500, 10_000 + 600 * 500, 0)).isFalse();
    assertThat(AnchorRule.anchorDue(601, 10_000, 500, 10_000 + 601 * 500, 0)).isTrue();
  }

  @Test
  void driftBeyondFiveSecondsEitherWayAnchors() {
    assertThat(AnchorRule.anchorDue(10, 10_000, 500, 15_000 + 5_000, 0)).isFalse();
    assertThat(AnchorRule.anchorDue(10, 10_000, 500, 15_000 + 5_001, 0)).isTrue();
    assertThat(AnchorRule.anchorDue(10, 10_000, 500, 15_000 - 5_001, 0)).isTrue();
  }

  @Test
  void moreThanEightUnacknowledgedBeatsAnchor() {
    assertThat(AnchorRule.anchorDue(10, 10_000, 500, 15_000, 8)).isFalse();
    assertThat(AnchorRule.anchorDue(10, 10_000, 500, 15_000, 9)).isTrue();
  }
}
