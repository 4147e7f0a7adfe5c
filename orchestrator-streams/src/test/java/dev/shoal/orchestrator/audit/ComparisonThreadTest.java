package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ComparisonThreadTest {
  @Test
  void stepsRunInTheOrderGivenOnOneThread() {
    List<Integer> done = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    try (ComparisonThread c = new ComparisonThread()) {
      for (int i = 0; i < 3 * ComparisonThread.AHEAD; i++) {
        int n = i;
        c.then(() -> {
          done.add(n);
          threads.add(Thread.currentThread().getName());
        });
      }
      c.finish();
    }
    assertThat(done).hasSize(3 * ComparisonThread.AHEAD).isSorted();
    assertThat(threads).containsOnly("shoal-audit-compare");
  }

  @Test
  void aStepThatThrowsStopsTheRestAndReachesTheCaller() {
    AtomicInteger after = new AtomicInteger();
    try (ComparisonThread c = new ComparisonThread()) {
      c.then(() -> {
        throw new IllegalStateException("the partition went away");
      });
      try {
        c.then(after::incrementAndGet);
      } catch (IllegalStateException e) {
        // The first step may have failed already: then this one is refused at once, which is fine too.
        assertThat(e).hasMessage("the partition went away");
      }
      assertThatThrownBy(c::finish).isInstanceOf(IllegalStateException.class).hasMessage("the partition went away");
      assertThatThrownBy(() -> c.then(after::incrementAndGet)).isInstanceOf(IllegalStateException.class);
    }
    assertThat(after.get()).isZero();
  }
}
