package dev.shoal.gateway.kafka;

import static dev.shoal.gateway.Fixtures.node;
import static dev.shoal.gateway.Fixtures.service;
import static dev.shoal.gateway.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the Kafka backend publishes and how it reads the outcome, with Kafka's own MockProducer
 * standing in for the broker and the test feeding the read model as the orchestrator would.
 */
class KafkaClusterBackendTest {
  private final Topics topics = new Topics("x-");
  private final ReadModel model = new ReadModel();
  private final MockProducer<String, String> producer =
      new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(42_000), ZoneOffset.UTC);
  private final KafkaClusterBackend backend =
      new KafkaClusterBackend(model, producer, topics, Duration.ofMillis(300), clock);
  private final Caller caller = new Caller("alice", "req-1");

  @AfterEach
  void close() {
    backend.close();
  }

  @Test
  void createPublishesTheSpecByNameAndIsAppliedWhenTheServiceAppears() throws Exception {
    CompletableFuture<Outcome<Service>> f = backend.applySpec(spec("web", 2), null, caller);

    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo("x-shoal.specs");
    assertThat(r.key()).isEqualTo("web");
    assertThat(r.value()).isEqualTo(Json.toString(spec("web", 2)));
    assertThat(header(r, "shoal-principal")).isEqualTo("alice");
    assertThat(header(r, "shoal-request-id")).isEqualTo("req-1");
    assertThat(r.headers().lastHeader("shoal-expected-version")).isNull();
    assertThat(f).isNotDone();

    Service web = service("web", 2);
    model.putService(web.id(), web);

    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(web));
  }

  @Test
  void updateCarriesTheExpectedVersionAndWaitsForANewerOne() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);

    CompletableFuture<Outcome<Service>> f = backend.applySpec(spec("web", 3), 1L, caller);

    assertThat(header(producer.history().get(0), "shoal-expected-version")).isEqualTo("1");
    assertThat(f).isNotDone();
    Service v2 = web.withSpec(spec("web", 3), 5);
    model.putService(v2.id(), v2);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(v2));
  }

  @Test
  void aRejectionEventWithTheRequestIdEndsTheWait() throws Exception {
    CompletableFuture<Outcome<Service>> f = backend.applySpec(spec("web", 2), null, caller);
    model.addEvent(new ClusterEvent("spec.rejected", "service", "web", "no way", Map.of("requestId", "other"), 1));
    assertThat(f).isNotDone();
    model.addEvent(new ClusterEvent("spec.rejected", "service", "web", "no way", Map.of("requestId", "req-1"), 1));
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.rejected("no way"));
  }

  @Test
  void anUnchangedEventAnswersWithTheServiceAsItIs() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    CompletableFuture<Outcome<Service>> f = backend.applySpec(web.spec(), 1L, caller);
    model.addEvent(new ClusterEvent("service.unchanged", "service", "web", "same", Map.of("requestId", "req-1"), 1));
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(web));
  }

  @Test
  void removalPublishesATombstoneAndIsAppliedWhenTheServiceIsGone() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);

    CompletableFuture<Outcome<Service>> f = backend.removeService(web, caller);

    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo("x-shoal.specs");
    assertThat(r.key()).isEqualTo("web");
    assertThat(r.value()).isNull();
    assertThat(header(r, "shoal-request-id")).isEqualTo("req-1");
    model.removeService(web.id());
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(web));
  }

  @Test
  void scalePublishesACommandEnvelopeKeyedByServiceName() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);

    CompletableFuture<Outcome<Service>> f = backend.scaleService(web, 4, caller);

    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo("x-shoal.commands");
    assertThat(r.key()).isEqualTo("web");
    assertThat(Json.fromString(r.value(), CommandEnvelope.class))
        .isEqualTo(new CommandEnvelope(new Command.ScaleService("web", 4), "alice", "req-1", 42_000));
    Service v2 = web.withSpec(web.spec().withReplicas(4), 5);
    model.putService(v2.id(), v2);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(v2));
  }

  @Test
  void nodeUpdatePublishesACommandKeyedByNodeId() throws Exception {
    Node n1 = node("n1", "alpha");
    model.putNode("n1", n1);
    Command.UpdateNode update = new Command.UpdateNode("n1", "drain", null, null, 3L);

    CompletableFuture<Outcome<Node>> f = backend.updateNode(n1, update, caller);

    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.key()).isEqualTo("n1");
    assertThat(Json.fromString(r.value(), CommandEnvelope.class).command()).isEqualTo(update);
    Node next = n1.with(n1.role(), "drain", n1.labels(), n1.description(), n1.status(), null, 7);
    model.putNode("n1", next);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(next));
  }

  @Test
  void isPendingWhenNothingShowsInTime() throws Exception {
    assertThat(backend.applySpec(spec("web", 1), null, caller).get(5, TimeUnit.SECONDS))
        .isEqualTo(Outcome.pending("req-1"));
    assertThat(model.pendingAwaits()).isZero();
  }

  @Test
  void aFailedSendIsUnavailable() {
    MockProducer<String, String> failing = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    try (KafkaClusterBackend b = new KafkaClusterBackend(model, failing, topics, Duration.ofSeconds(30), clock)) {
      CompletableFuture<Outcome<Service>> f = b.applySpec(spec("web", 1), null, caller);
      failing.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(ApiException.class).hasMessageContaining("broker gone");
      assertThat(model.pendingAwaits()).isZero();
    }
  }

  @Test
  void anUnacknowledgedSendIsUnavailableNotPending() {
    MockProducer<String, String> silent = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    try (KafkaClusterBackend b = new KafkaClusterBackend(model, silent, topics, Duration.ofMillis(100), clock)) {
      CompletableFuture<Outcome<Service>> f = b.applySpec(spec("web", 1), null, caller);
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ApiException.class)
          .hasMessageContaining("did not acknowledge");
    }
  }

  private static String header(ProducerRecord<String, String> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
