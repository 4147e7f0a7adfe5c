package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The view answers as the store would, and hands the rule only the up nodes, in id order. */
class LivenessViewTest {
  private final LivenessView view = new LivenessView();

  @Test
  void upNodesInIdOrderWithTheirLastSeenAndADownNodeLeavesThem() {
    view.put("n2", entry(2_000, true));
    view.put("n10", entry(1_000, true));
    view.put("n1", entry(3_000, true));
    assertThat(view.up()).containsExactly(java.util.Map.entry("n1", 3_000L), java.util.Map.entry("n10", 1_000L),
        java.util.Map.entry("n2", 2_000L));

    view.put("n10", entry(1_000, false));
    assertThat(view.up()).containsOnlyKeys("n1", "n2");
    assertThat(view.get("n10").up()).as("a down node is still known, as in the store").isFalse();
    assertThat(view.size()).isEqualTo(3);

    view.put("n10", entry(5_000, true));
    assertThat(view.up()).containsEntry("n10", 5_000L);
  }

  @Test
  void clearForgetsEverythingAndTheRuleCannotWriteThroughUp() {
    view.put("n1", entry(1_000, true));
    assertThatThrownBy(() -> view.up().remove("n1")).isInstanceOf(UnsupportedOperationException.class);
    view.clear();
    assertThat(view.get("n1")).isNull();
    assertThat(view.up()).isEmpty();
    assertThat(view.size()).isZero();
  }

  private static LivenessEntry entry(long lastSeen, boolean up) {
    return new LivenessEntry(lastSeen, 1, up, null, 1L, "key");
  }
}
