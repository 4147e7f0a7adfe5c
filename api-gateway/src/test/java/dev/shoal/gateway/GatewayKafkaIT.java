package dev.shoal.gateway;

import static dev.shoal.gateway.Fixtures.specJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Http.Response;
import dev.shoal.gateway.OrchestratorStandIn.Received;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.TopicSpec;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway against a real broker: it publishes to the intake topics, a stand-in orchestrator
 * answers on the derived topics, and the gateway's read model sees the result. No mocks.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayKafkaIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Topics topics;
  private static GatewayConfig config;
  private static OrchestratorStandIn orchestrator;
  private static GatewayServer gateway;
  private static Http http;

  @BeforeAll
  static void start(KafkaTestCluster kafka) throws Exception {
    topics = new Topics(kafka.uniquePrefix());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(topics.all().stream().map(GatewayKafkaIT::newTopic).toList()).all().get();
    }
    orchestrator = new OrchestratorStandIn(kafka.bootstrapServers(), topics)
        .start(List.of(Fixtures.node("node-1", "alpha"), Fixtures.node("node-2", "beta")));
    config = GatewayConfig.defaults(kafka.bootstrapServers()).withTopics(topics).withListener("127.0.0.1", 0);
    gateway = new GatewayServer(config).start();
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
  }

  private static NewTopic newTopic(TopicSpec<?, ?> t) {
    return new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs());
  }

  @Test
  void createsListsAndInspectsAService() {
    Response created = http.send("POST", "/v1/services", specJson("web", 2), "X-Shoal-User", "alice");

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("id").asText()).isEqualTo("svc-web");
    assertThat(created.json().get("version").asLong()).isEqualTo(1);
    assertThat(http.get("/v1/services").json()).extracting(n -> n.get("name").asText()).contains("web");
    assertThat(http.get("/v1/services/svc-web").json().get("name").asText()).isEqualTo("web");

    Received spec = received("shoal.specs", "web").get(0);
    assertThat(spec.value()).isEqualTo(Json.toString(SpecValidator.validate(specJson("web", 2)).spec()));
    assertThat(spec.headers()).containsEntry("shoal-principal", "alice")
        .containsEntry("shoal-request-id", created.header("X-Shoal-Request-Id"))
        .doesNotContainKey("shoal-expected-version");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(http.get("/v1/services/web").json().get("replicas").toString())
            .isEqualTo("{\"running\":2,\"desired\":2}"));
  }

  @Test
  void refusesDuplicatesAndInvalidSpecsWithoutPublishing() {
    assertThat(http.post("/v1/services", specJson("dup", 1)).status()).isEqualTo(201);

    Response duplicate = http.post("/v1/services", specJson("dup", 1));
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.message()).isEqualTo("service dup already exists");

    Response invalid = http.post("/v1/services", "{\"name\":\"bad\",\"command\":[\"x\"],\"replicas\":-2}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.message()).contains("replicas");

    assertThat(received("shoal.specs", "dup")).hasSize(1);
    assertThat(received("shoal.specs", "bad")).isEmpty();
  }

  @Test
  void updatesWithTheVersionReadAndRefusesStaleOnes() {
    assertThat(http.post("/v1/services", specJson("api", 1)).status()).isEqualTo(201);

    Response updated = http.put("/v1/services/api?version=1", specJson("api", 3));
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().get("version").asLong()).isEqualTo(2);
    assertThat(updated.json().get("spec").get("replicas").asInt()).isEqualTo(3);
    assertThat(received("shoal.specs", "api").get(1).headers()).containsEntry("shoal-expected-version", "1");

    Response stale = http.put("/v1/services/api?version=1", specJson("api", 4));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.message()).isEqualTo("version 1 is stale: the service is at version 2");
  }

  @Test
  void passesOnTheOrchestratorsRejectionReceivedThroughKafka() {
    assertThat(http.post("/v1/services", specJson("mode", 1)).status()).isEqualTo(201);

    Response r = http.put("/v1/services/mode?version=1",
        "{\"name\":\"mode\",\"command\":[\"sleep\",\"1\"],\"mode\":\"global\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).isEqualTo("mode of service mode cannot be changed from replicated to global");
  }

  @Test
  void scalesAndFiltersTasks() {
    assertThat(http.post("/v1/services", specJson("worker", 1)).status()).isEqualTo(201);

    Response scaled = http.post("/v1/services/worker/scale", "{\"replicas\": 3}");

    assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);
    assertThat(scaled.json().get("spec").get("replicas").asInt()).isEqualTo(3);
    CommandEnvelope sent = Json.fromString(received("shoal.commands", "worker").get(0).value(), CommandEnvelope.class);
    assertThat(sent.command()).isEqualTo(new Command.ScaleService("worker", 3));
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(names(http.get("/v1/tasks?service=worker"))).containsExactly("worker.1", "worker.2", "worker.3"));
    assertThat(names(http.get("/v1/tasks?service=svc-worker&node=alpha&desired-state=running"))).hasSize(3);
    assertThat(names(http.get("/v1/tasks?service=worker&node=beta"))).isEmpty();
    assertThat(names(http.get("/v1/tasks?service=worker&desired-state=shutdown"))).isEmpty();
    assertThat(http.get("/v1/tasks?desired-state=later").status()).isEqualTo(400);

    String id = http.get("/v1/tasks?service=worker").json().get(0).get("id").asText();
    JsonNode task = http.get("/v1/tasks/" + id).json();
    assertThat(task.get("status").get("state").asText()).isEqualTo("running");
    assertThat(http.get("/v1/tasks/nope").status()).isEqualTo(404);
  }

  @Test
  void removesAService() {
    assertThat(http.post("/v1/services", specJson("gone", 2)).status()).isEqualTo(201);

    Response removed = http.delete("/v1/services/gone");

    assertThat(removed.status()).isEqualTo(204);
    assertThat(http.get("/v1/services/gone").status()).isEqualTo(404);
    assertThat(received("shoal.specs", "gone").get(1).value()).isNull();
    await().atMost(WAIT).untilAsserted(() -> assertThat(names(http.get("/v1/tasks?service=gone"))).isEmpty());
    assertThat(http.delete("/v1/services/gone").status()).isEqualTo(404);
  }

  @Test
  void updatesANodeThroughACommand() {
    Response r = http.send("PATCH", "/v1/nodes/beta", "{\"availability\":\"drain\",\"labels\":{\"zone\":\"b\"}}",
        "X-Shoal-User", "ops");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("availability").asText()).isEqualTo("drain");
    assertThat(r.json().get("labels").get("zone").asText()).isEqualTo("b");
    assertThat(r.json().get("version").asLong()).isEqualTo(4);
    Received command = received("shoal.commands", "node-2").get(0);
    assertThat(command.headers()).containsEntry("shoal-principal", "ops");
    CommandEnvelope envelope = Json.fromString(command.value(), CommandEnvelope.class);
    assertThat(envelope.principal()).isEqualTo("ops");
    assertThat(envelope.command()).isEqualTo(new Command.UpdateNode("node-2", Node.DRAIN, null, Map.of("zone", "b"), null));
    assertThat(http.get("/v1/nodes").json()).extracting(n -> n.get("id").asText()).containsExactly("node-1", "node-2");
    assertThat(http.patch("/v1/nodes/beta", "{\"availability\":\"asleep\"}").status()).isEqualTo(400);
  }

  @Test
  void listsEventsSinceATime() {
    Instant before = Instant.now().minusSeconds(1);
    assertThat(http.post("/v1/services", specJson("evented", 1)).status()).isEqualTo(201);

    await().atMost(WAIT).untilAsserted(() -> assertThat(
        StreamSupport.stream(http.get("/v1/events?since=" + before + "&type=service.created").json().spliterator(), false)
            .map(e -> e.get("entityId").asText())).contains("evented"));
    assertThat(http.get("/v1/events?since=10m").json().size()).isPositive();
    assertThat(http.get("/v1/events?since=" + Instant.now().plusSeconds(3600).toEpochMilli()).json()).isEmpty();
    assertThat(http.get("/v1/events?since=whenever").status()).isEqualTo(400);
  }

  @Test
  void answers202WhenTheOrchestratorIsSlowAndTheChangeLands() throws Exception {
    try (GatewayServer impatient = new GatewayServer(config.withApplyTimeout(Duration.ofMillis(500))).start()) {
      Http client = new Http(impatient.port());
      orchestrator.hold(true);
      try {
        Response r = client.post("/v1/services", specJson("slow", 1));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.message()).contains("accepted but is not applied yet");
      } finally {
        orchestrator.hold(false);
      }
      await().atMost(WAIT).until(() -> client.get("/v1/services/slow").status() == 200);
    }
  }

  @Test
  void aGatewayStartedLaterSeesTheClusterAtOnce() throws Exception {
    assertThat(http.post("/v1/services", specJson("early", 1)).status()).isEqualTo(201);
    try (GatewayServer late = new GatewayServer(config).start()) {
      assertThat(new Http(late.port()).get("/v1/services/early").status()).isEqualTo(200);
    }
  }

  private static List<Received> received(String topic, String key) {
    return orchestrator.received.stream()
        .filter(r -> r.topic().equals(topics.prefix() + topic) && r.key().equals(key)).toList();
  }

  private static List<String> names(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return StreamSupport.stream(r.json().spliterator(), false).map(n -> n.get("name").asText()).toList();
  }
}
