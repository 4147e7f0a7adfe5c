package dev.shoal.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a {@link BackendPool} picks tasks and keeps their counters. */
class IngressPoolTest {
  private static final long BACKOFF = 60_000_000_000L;

  private static Backend backend(int i) {
    return new Backend("t" + i, "web." + i, "n", "127.0.0.1", 4000 + i);
  }

  private static PortRoute route(Balance balance, int... tasks) {
    List<Backend> bs = new ArrayList<>();
    for (int i : tasks) {
      bs.add(backend(i));
    }
    return new PortRoute(8080, "sid", "web", true, balance, bs);
  }

  @Test
  void roundRobinTakesEachTaskInTurn() {
    BackendPool pool = new BackendPool(route(Balance.ROUND_ROBIN, 1, 2, 3), BACKOFF);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      Lease l = pool.acquire(Set.of()).orElseThrow();
      counts.merge(l.backend().taskId(), 1, Integer::sum);
      l.release();
    }
    assertThat(counts).containsOnly(Map.entry("t1", 100), Map.entry("t2", 100), Map.entry("t3", 100));
  }

  @Test
  void leastConnectionsAvoidsTheBusyTask() {
    BackendPool pool = new BackendPool(route(Balance.LEAST_CONNECTIONS, 1, 2), BACKOFF);
    Lease held = pool.acquire(Set.of()).orElseThrow();
    for (int i = 0; i < 10; i++) {
      Lease l = pool.acquire(Set.of()).orElseThrow();
      assertThat(l.backend()).isNotEqualTo(held.backend());
      l.release();
    }
    held.release();
    held.release(); // idempotent: the count does not go below zero
    assertThat(pool.views()).extracting(BackendView::active).containsExactly(0, 0);
  }

  @Test
  void aTaskThatRefusedIsPassedOverWhileAnotherServesAndExcludedOnRetry() {
    BackendPool pool = new BackendPool(route(Balance.ROUND_ROBIN, 1, 2), BACKOFF);
    Lease first = pool.acquire(Set.of()).orElseThrow();
    first.failed(pool.backoffNanos());
    first.release();
    for (int i = 0; i < 5; i++) {
      assertThat(pool.acquire(Set.of()).orElseThrow().backend()).isNotEqualTo(first.backend());
    }
    assertThat(pool.acquire(Set.of("t1", "t2"))).isEmpty();
    // When every task is passed over, they are tried all the same rather than answering 503.
    BackendPool single = new BackendPool(route(Balance.ROUND_ROBIN, 1), BACKOFF);
    single.acquire(Set.of()).orElseThrow().failed(BACKOFF);
    assertThat(single.acquire(Set.of())).isPresent();
    assertThat(single.views()).singleElement().satisfies(v -> {
      assertThat(v.state()).isEqualTo("failing");
      assertThat(v.failures()).isEqualTo(1);
    });
  }

  @Test
  void aTaskThatLeftWithTrafficInFlightIsShownDrainingUntilItEnds() {
    BackendPool pool = new BackendPool(route(Balance.ROUND_ROBIN, 1, 2), BACKOFF);
    Lease l = pool.acquire(Set.of()).orElseThrow();
    String leaving = l.backend().taskId();
    pool.update(route(Balance.ROUND_ROBIN, leaving.equals("t1") ? 2 : 1));
    assertThat(pool.views()).anySatisfy(v -> {
      assertThat(v.taskId()).isEqualTo(leaving);
      assertThat(v.state()).isEqualTo("draining");
      assertThat(v.active()).isEqualTo(1);
    });
    for (int i = 0; i < 4; i++) {
      assertThat(pool.acquire(Set.of()).orElseThrow().backend().taskId()).isNotEqualTo(leaving);
    }
    l.release();
    assertThat(pool.views()).extracting(BackendView::taskId).doesNotContain(leaving);
    assertThat(new BackendPool(route(Balance.ROUND_ROBIN), BACKOFF).acquire(Set.of())).isEmpty();
  }

  private static PortRoute withDraining(PortRoute serving, int... tasks) {
    List<Backend> draining = new ArrayList<>();
    for (int i : tasks) {
      draining.add(backend(i));
    }
    return new PortRoute(serving.port(), serving.serviceId(), serving.serviceName(), serving.http(), serving.balance(),
        serving.backends(), draining);
  }

  @Test
  void aDrainingTaskIsNeverChosenWhileAServingOneCanBe() {
    for (Balance balance : Balance.values()) {
      BackendPool pool = new BackendPool(withDraining(route(balance, 1), 2), BACKOFF);
      Lease busy = pool.acquire(Set.of()).orElseThrow();
      assertThat(busy.backend().taskId()).isEqualTo("t1");
      busy.reached();
      for (int i = 0; i < 10; i++) {
        // least-connections too: the serving task is busier than the idle draining one
        assertThat(pool.acquire(Set.of()).orElseThrow().backend().taskId()).as("%s", balance).isEqualTo("t1");
      }
      // A draining task without traffic is not listed.
      assertThat(pool.views()).extracting(BackendView::taskId).containsExactly("t1");
    }
  }

  @Test
  void aDrainingTaskIsTriedWhenNoServingTaskIsLeftOrTheyAreExcludedOrPassedOver() {
    BackendPool none = new BackendPool(withDraining(route(Balance.ROUND_ROBIN), 2), BACKOFF);
    assertThat(none.acquire(Set.of()).orElseThrow().backend().taskId()).isEqualTo("t2");

    BackendPool pool = new BackendPool(withDraining(route(Balance.ROUND_ROBIN, 1), 2, 3), BACKOFF);
    // The serving task refused this request: the retry goes to a draining one.
    assertThat(pool.acquire(Set.of("t1")).orElseThrow().backend().taskId()).isIn("t2", "t3");
    assertThat(pool.acquire(Set.of("t1", "t2")).orElseThrow().backend().taskId()).isEqualTo("t3");
    assertThat(pool.acquire(Set.of("t1", "t2", "t3"))).isEmpty();
    // Passed over after a refusal, the serving task comes after the draining ones that were not.
    Lease refused = pool.acquire(Set.of()).orElseThrow();
    assertThat(refused.backend().taskId()).isEqualTo("t1");
    refused.failed(BACKOFF);
    refused.release();
    for (int i = 0; i < 4; i++) {
      assertThat(pool.acquire(Set.of()).orElseThrow().backend().taskId()).isIn("t2", "t3");
    }
  }

  @Test
  void aDrainingTaskSeenReachableComesBeforeAStartingOne() {
    BackendPool pool = new BackendPool(route(Balance.ROUND_ROBIN, 1), BACKOFF);
    pool.acquire(Set.of()).orElseThrow().reached();
    // t1 is told to stop while its replacement t4 does not answer yet.
    pool.update(withDraining(route(Balance.ROUND_ROBIN, 4), 1));
    for (int i = 0; i < 4; i++) {
      assertThat(pool.acquire(Set.of()).orElseThrow().backend().taskId()).isEqualTo("t1");
    }
    pool.probed(backend(4), true);
    for (int i = 0; i < 4; i++) {
      assertThat(pool.acquire(Set.of()).orElseThrow().backend().taskId()).isEqualTo("t4");
    }
  }
}
