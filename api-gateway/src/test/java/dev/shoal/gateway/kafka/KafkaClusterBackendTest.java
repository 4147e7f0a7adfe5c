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
import dev.shoal.schemas.RejectionCode;
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

  private void verdict(String type, String outcome, String requestId, long version, String code) {
    Map<String, String> attrs = new java.util.TreeMap<>();
    attrs.put("outcome", outcome);
    attrs.put("requestId", requestId);
    if (version > 0) {
      attrs.put("version", Long.toString(version));
    }
    if (code != null) {
      attrs.put("code", code);
    }
    model.addEvent(new ClusterEvent(type, "service", "web", outcome + " " + type, attrs, 1));
  }

  @Test
  void createIsCreateOnlyAndAnswersOnceTheVerdictAndTheServiceAreVisible() throws Exception {
    CompletableFuture<Outcome<Service>> f = backend.createService(spec("web", 2), caller);

    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo("x-shoal.specs");
    assertThat(r.key()).isEqualTo("web");
    assertThat(r.value()).isEqualTo(Json.toString(spec("web", 2)));
    assertThat(header(r, "shoal-principal")).isEqualTo("alice");
    assertThat(header(r, "shoal-request-id")).isEqualTo("req-1");
    assertThat(header(r, "shoal-expected-version")).isEqualTo("0");

    // Another writer's service of that name showing up is not this request's outcome.
    Service theirs = new Service("other-id", "web", 3, spec("web", 2), null, null, 1, 1);
    model.putService(theirs.id(), theirs);
    assertThat(f).isNotDone();
    // The verdict alone is not enough either: the answer waits until the read model shows version 4.
    verdict("service.created", "applied", "req-1", 4, null);
    assertThat(f).isNotDone();
    Service mine = new Service("other-id", "web", 4, spec("web", 2), null, null, 1, 1);
    model.putService(mine.id(), mine);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(mine));
  }

  @Test
  void aRejectionAnswersWithItsCode() throws Exception {
    CompletableFuture<Outcome<Service>> f = backend.createService(spec("web", 2), caller);
    verdict("spec.rejected", "rejected", "other", 0, "conflict");
    assertThat(f).isNotDone();
    verdict("spec.rejected", "rejected", "req-1", 0, "conflict");
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.rejected(RejectionCode.CONFLICT, "rejected spec.rejected"));
  }

  @Test
  void updateCarriesTheExpectedVersion() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    CompletableFuture<Outcome<Service>> f = backend.updateService(spec("web", 3), 1L, caller);
    assertThat(header(producer.history().get(0), "shoal-expected-version")).isEqualTo("1");
    Service v2 = web.withSpec(spec("web", 3), 9, 5);
    model.putService(v2.id(), v2);
    verdict("service.updated", "applied", "req-1", 9, null);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(v2));
  }

  @Test
  void removalPublishesATombstoneAndIsAppliedWhenTheServiceIsGone() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    CompletableFuture<Outcome<Service>> f = backend.removeService("WEB", caller);
    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.key()).isEqualTo("web");
    assertThat(r.value()).isNull();
    verdict("service.removed", "applied", "req-1", 1, null);
    assertThat(f).isNotDone();
    model.removeService(web.id());
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(web));
  }

  @Test
  void scalePublishesACommandEnvelope() throws Exception {
    Service web = service("web", 1);
    model.putService(web.id(), web);
    CompletableFuture<Outcome<Service>> f = backend.scaleService("web", 4, caller);
    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.topic()).isEqualTo("x-shoal.commands");
    assertThat(Json.fromString(r.value(), CommandEnvelope.class))
        .isEqualTo(new CommandEnvelope(new Command.ScaleService("web", 4), "alice", "req-1", 42_000));
    // Who and which request in the headers too, as on a spec record: audit reads either the same way.
    assertThat(header(r, "shoal-principal")).isEqualTo("alice");
    assertThat(header(r, "shoal-request-id")).isEqualTo("req-1");
    assertThat(r.headers().lastHeader("shoal-expected-version")).isNull();
    Service v2 = web.withSpec(web.spec().withReplicas(4), 5, 5);
    model.putService(v2.id(), v2);
    verdict("service.scaled", "applied", "req-1", 5, null);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(v2));
  }

  @Test
  void nodeUpdatePublishesACommandKeyedByNodeId() throws Exception {
    Node n1 = node("n1", "alpha");
    model.putNode("n1", n1);
    Command.UpdateNode update = new Command.UpdateNode("n1", "drain", null, null, 3L);
    CompletableFuture<Outcome<Node>> f = backend.updateNode(update, caller);
    ProducerRecord<String, String> r = producer.history().get(0);
    assertThat(r.key()).isEqualTo("n1");
    assertThat(Json.fromString(r.value(), CommandEnvelope.class).command()).isEqualTo(update);
    assertThat(header(r, "shoal-principal")).isEqualTo("alice");
    assertThat(header(r, "shoal-request-id")).isEqualTo("req-1");
    Node next = n1.with(n1.role(), "drain", n1.labels(), n1.description(), n1.status(), null, 7);
    model.putNode("n1", next);
    verdict("node.updated", "applied", "req-1", next.version(), null);
    assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(Outcome.applied(next));
  }

  @Test
  void isPendingWithAReasonWhenNoVerdictComesInTime() throws Exception {
    Outcome<Service> o = backend.createService(spec("web", 1), caller).get(5, TimeUnit.SECONDS);
    assertThat(o).isInstanceOf(Outcome.Pending.class);
    assertThat(((Outcome.Pending<Service>) o).why()).contains("the orchestrator has not answered");
    assertThat(model.pendingAwaits()).isZero();
  }

  @Test
  void aFailedSendIsUnavailable() {
    MockProducer<String, String> failing = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    try (KafkaClusterBackend b = new KafkaClusterBackend(model, failing, topics, Duration.ofSeconds(30), clock)) {
      CompletableFuture<Outcome<Service>> f = b.createService(spec("web", 1), caller);
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
      CompletableFuture<Outcome<Service>> f = b.createService(spec("web", 1), caller);
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ApiException.class)
          .hasMessageContaining("did not acknowledge");
    }
  }

  private static String header(ProducerRecord<String, String> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
