package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A closing runtime's stops run side by side, at most the given number at once, and all end before it returns. */
class CloseStoppersTest {
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();

  private Runnable stopWaitingFor(CountDownLatch gate) {
    return () -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        gate.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
        ended.incrementAndGet();
      }
    };
  }

  @Test
  void oneStopMoreThanTheThreadsWaitsForOneToEnd() {
    CountDownLatch gate = new CountDownLatch(1);
    List<Runnable> stops = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stops.add(stopWaitingFor(gate));
    }
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> CloseStoppers.runAll(stops, 3, "test-stop-"));

    await().atMost(Duration.ofSeconds(15)).until(() -> running.get() == 3);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> running.get() == 3);
    assertThat(closing).isNotDone();

    gate.countDown();
    closing.join();
    assertThat(ended.get()).isEqualTo(4);
    assertThat(most.get()).isEqualTo(3);
  }

  @Test
  void stopsWithinTheThreadsRunAllAtOnce() {
    CountDownLatch meet = new CountDownLatch(CloseStoppers.THREADS);
    AtomicInteger missed = new AtomicInteger();
    List<Runnable> stops = new ArrayList<>();
    for (int i = 0; i < CloseStoppers.THREADS; i++) {
      stops.add(() -> {
        meet.countDown();
        try {
          if (!meet.await(15, TimeUnit.SECONDS)) { // each ends only once all are under way
            missed.incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ended.incrementAndGet();
      });
    }
    CloseStoppers.runAll(stops, CloseStoppers.THREADS, "test-stop-");
    assertThat(missed.get()).isZero();
    assertThat(ended.get()).isEqualTo(CloseStoppers.THREADS);
  }

  @Test
  void nothingToStopStartsNoThread() {
    CloseStoppers.runAll(List.of(), 3, "test-stop-");
    assertThat(ended.get()).isZero();
  }
}
