package dev.shoal.gateway.kafka;

import static dev.shoal.gateway.Fixtures.node;
import static dev.shoal.gateway.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Service;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadModelTest {
  private final ReadModel model = new ReadModel(3);

  @Test
  void findsServicesByIdOrNameAndForgetsBothOnRemoval() {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    assertThat(model.service("web")).contains(web);
    assertThat(model.service(web.id())).contains(web);

    model.removeService(web.id());
    assertThat(model.service("web")).isEmpty();
    assertThat(model.serviceByName("web")).isEmpty();
    assertThat(model.services()).isEmpty();
  }

  @Test
  void findsNodesByIdOrHostname() {
    model.putNode("n1", node("n1", "alpha"));
    assertThat(model.node("alpha").map(n -> n.id())).contains("n1");
    model.removeNode("n1");
    assertThat(model.node("n1")).isEmpty();
  }

  @Test
  void anAwaitCompletesWhenAChangeMakesItsProbeTrue() throws Exception {
    CompletableFuture<Optional<Service>> f = model.await(m -> m.serviceByName("web"), Duration.ofSeconds(30));
    assertThat(f).isNotDone();
    assertThat(model.pendingAwaits()).isEqualTo(1);

    Service web = service("web", 1);
    model.putService(web.id(), web);

    assertThat(f.get(5, TimeUnit.SECONDS)).contains(web);
    assertThat(model.pendingAwaits()).isZero();
  }

  @Test
  void anAwaitAlreadyTrueCompletesAtOnce() {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    assertThat(model.await(m -> m.serviceByName("web"), Duration.ofSeconds(30))).isCompletedWithValue(Optional.of(web));
  }

  @Test
  void anAwaitTimesOutEmptyAndIsForgotten() throws Exception {
    CompletableFuture<Optional<Service>> f = model.await(m -> m.serviceByName("web"), Duration.ofMillis(50));
    assertThat(f.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(model.pendingAwaits()).isZero();
  }

  @Test
  void keepsTheLastEventsAndTheirVerdictsOnly() {
    model.addEvent(event("spec.rejected", "r1", 1));
    model.addEvent(event("task.failed", "r2", 2));
    model.addEvent(event("service.unchanged", "r3", 3));
    assertThat(model.verdict("r1").map(ClusterEvent::type)).contains("spec.rejected");
    assertThat(model.verdict("r2")).as("only an event with an outcome is a verdict").isEmpty();
    assertThat(model.verdict("r3").map(ClusterEvent::type)).contains("service.unchanged");

    model.addEvent(event("task.failed", null, 4));

    assertThat(model.events()).extracting(ClusterEvent::time).containsExactly(2L, 3L, 4L);
    assertThat(model.verdict("r1")).isEmpty();
    assertThat(model.verdict("r3")).isPresent();
  }

  @Test
  void caughtUpIsAOneWaySignal() throws Exception {
    assertThat(model.isCaughtUp()).isFalse();
    assertThat(model.awaitCaughtUp(Duration.ofMillis(1))).isFalse();
    model.markCaughtUp();
    assertThat(model.awaitCaughtUp(Duration.ofMillis(1))).isTrue();
  }

  private static ClusterEvent event(String type, String requestId, long time) {
    Map<String, String> attrs = new java.util.TreeMap<>();
    if (requestId != null) {
      attrs.put("requestId", requestId);
      if (!type.startsWith("task.")) {
        attrs.put("outcome", type.endsWith(".rejected") ? "rejected" : "unchanged");
      }
    }
    return new ClusterEvent(type, "service", "web", type, attrs, time);
  }

  @Test
  void aReaderSeesABatchWholeOrNotAtAll() throws Exception {
    Service web = service("web", 1);
    Service api = service("api", 1);
    java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<Integer>> midway =
          new java.util.concurrent.atomic.AtomicReference<>();
      model.applyTogether(() -> {
        model.putService(web.id(), web);
        // A reader asking between the two changes waits for the whole batch.
        midway.set(reader.submit(() -> model.services().size()));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
            .until(() -> !midway.get().isDone());
        model.putService(api.id(), api);
      });
      assertThat(midway.get().get(5, TimeUnit.SECONDS)).isEqualTo(2);
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void aBatchChecksWatchesAndTellsListenersOnceAfterItsLastChange() throws Exception {
    Service web = service("web", 1);
    Service api = service("api", 1);
    java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger servicesSeen = new java.util.concurrent.atomic.AtomicInteger();
    model.subscribe(() -> {
      told.incrementAndGet();
      servicesSeen.set(model.services().size());
    });
    CompletableFuture<Optional<Service>> both = model.await(
        m -> m.serviceByName("web").flatMap(w -> m.serviceByName("api")), Duration.ofSeconds(30));

    model.applyTogether(() -> {
      model.putService(web.id(), web);
      model.putService(api.id(), api);
      assertThat(both).isNotDone();
      assertThat(told).hasValue(0);
    });

    assertThat(both.get(5, TimeUnit.SECONDS)).contains(api);
    assertThat(told).hasValue(1);
    assertThat(servicesSeen).hasValue(2);
  }

  @Test
  void anEventOnlyBatchChecksWatchesWithoutTellingListeners() throws Exception {
    java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
    model.subscribe(told::incrementAndGet);
    CompletableFuture<Optional<Integer>> seen = model.await(
        m -> m.events().isEmpty() ? Optional.empty() : Optional.of(m.events().size()), Duration.ofSeconds(30));
    model.applyTogether(() -> model.addEvent(new ClusterEvent("service.created", "service", "web", "created",
        Map.of(), 1L)));
    assertThat(seen.get(5, TimeUnit.SECONDS)).contains(1);
    assertThat(told).hasValue(0);
  }
}
