package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.agent.NodeAgent;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shoal audit} end to end (issue 13): a real broker, the orchestrator with a cluster secret,
 * the gateway and three agents running processes go through the issue's story — create, scale, an
 * update that rolls back, a node failure, a drain, and a spec from a plain Kafka client — and then
 * the audit commands, run as a user runs them, tell it: verify finds no divergence (with and without
 * the secret), at shows the cluster between two steps, why names the filter that excluded the
 * drained node, history (by replay, and from the gateway without replay) lists the versions with
 * who and when; and a record made by hand in shoal.tasks is reported with its offset.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIT {
  private static final String UPDATE = "\"updateConfig\":{\"parallelism\":1,\"monitor\":\"1s\",\"failureAction\":\"rollback\"},"
      + "\"rollbackConfig\":{\"parallelism\":0,\"monitor\":\"1s\"},\"restartPolicy\":{\"delay\":\"1s\"}";
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"600\"],\"replicas\":2," + UPDATE + "}";
  private static final String BROKEN = "{\"name\":\"web\",\"command\":[\"sh\",\"-c\",\"exit 3\"],\"replicas\":3," + UPDATE + "}";

  private static final Shutdown shutdown = new Shutdown();
  private static final Map<String, Long> marks = new LinkedHashMap<>();
  private static final List<NodeAgent> agents = new ArrayList<>();
  private static String bootstrap;
  private static String prefix;
  private static Topics topics;
  private static Path secretFile;
  private static Path cacheDir;
  private static String api;

  @BeforeAll
  static void runTheStory(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    bootstrap = kafka.bootstrapServers();
    prefix = kafka.uniquePrefix();
    topics = new Topics(prefix);
    secretFile = dir.resolve("cluster-secret");
    cacheDir = dir.resolve("audit-cache");
    byte[] secret = ClusterSecret.loadOrCreate(secretFile);
    OrchestratorApp orchestrator = shutdown.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap,
        dir.resolve("orchestrator"), prefix, 0, Duration.ofSeconds(3), 5).withClusterSecret(secret)));
    orchestrator.start(Duration.ofSeconds(60));
    GatewayServer gateway = shutdown.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withTopics(topics)
        .withListener("127.0.0.1", 0).withClusterSecret(secret)));
    gateway.start();
    api = "http://127.0.0.1:" + gateway.port();
    String token = JoinTokens.token(secret, JoinTokens.WORKER, 1);
    for (int i = 1; i <= 3; i++) {
      NodeAgent a = shutdown.register(AgentCommand.create(bootstrap, topics, "node-" + i, dir.resolve("agent-" + i),
          RuntimeChoice.PROCESS, Duration.ofMillis(500), Map.of(), Duration.ofSeconds(6), token));
      a.start();
      agents.add(a);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> json("/v1/nodes").size() == 3);

    assertThat(Http.call("POST", api + "/v1/services", WEB).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> running("web").size() == 2);
    mark("created");
    assertThat(Http.call("POST", api + "/v1/services/web/scale", "{\"replicas\": 3}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> running("web").size() == 3);
    mark("scaled");
    long version = json("/v1/services/web").path("version").asLong();
    assertThat(Http.call("PUT", api + "/v1/services/web?version=" + version, BROKEN).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> "rollback_completed".equals(
        json("/v1/services/web").path("updateStatus").path("state").asText()) && running("web").size() == 3);
    mark("rolled-back");
    String node3 = nodeId("node-3");
    agents.get(2).close(); // its heartbeats stop: the node goes down and its tasks move
    await().atMost(Duration.ofSeconds(60)).until(() -> json("/v1/nodes/" + node3).path("status").asText().equals("down")
        && running("web").size() == 3 && running("web").stream().noneMatch(t -> node3.equals(t.path("nodeId").asText())));
    mark("node-3-down");
    String node1 = nodeId("node-1");
    assertThat(Http.call("PATCH", api + "/v1/nodes/" + node1, "{\"availability\": \"drain\"}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> running("web").size() == 3
        && running("web").stream().allMatch(t -> t.path("nodeId").asText().equals(nodeId("node-2"))));
    mark("drained");
    // A spec straight from a plain Kafka client, naming nobody.
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>(topics.specs.name(), "batch", "{\"name\":\"batch\",\"command\":[\"sleep\",\"1\"],"
          + "\"replicas\":0}")).get();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(api + "/v1/services/batch").status() == 200);
  }

  @AfterAll
  static void stop() {
    shutdown.closeAll();
  }

  @Test
  @Order(1)
  void verifyReplaysEveryDecisionWithoutDivergence() {
    Run r = shoal("audit", "verify", "--cluster-secret-file", secretFile.toString());
    assertThat(r.exit()).as(r.all()).isZero();
    String summary = r.out().lines().filter(l -> l.contains("records replayed")).findFirst().orElseThrow();
    assertThat(summary).matches("(\\d+) records replayed, \\1 decisions compared, 0 divergences");
    assertThat(Long.parseLong(summary.split(" ")[0])).isGreaterThan(20);
    assertThat(r.out()).contains("joins verified with the cluster secret");

    // The next run goes on from the verified snapshot the first one left.
    Run again = shoal("audit", "verify", "--cluster-secret-file", secretFile.toString());
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(again.out()).contains("Resumed from a verified snapshot").contains("0 divergences");

    // Without the secret, joins are taken from the record, and the audit says so.
    Run noSecret = shoal("audit", "verify", "--full", "--json");
    assertThat(noSecret.exit()).as(noSecret.all()).isZero();
    JsonNode report = parse(noSecret.out());
    assertThat(report.path("divergences").asLong()).isZero();
    assertThat(report.path("joins").asText()).contains("not verified");
    assertThat(report.path("notes").toString()).contains("cannot verify joins without --cluster-secret-file");
  }

  @Test
  @Order(2)
  void atShowsTheClusterBetweenTwoSteps() {
    JsonNode at = parse(shoal("audit", "at", Long.toString(marks.get("scaled")), "--json",
        "--cluster-secret-file", secretFile.toString()).out());
    JsonNode web = find(at.path("services"), "name", "web");
    assertThat(web.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(web.path("spec").path("command").toString()).isEqualTo("[\"sleep\",\"600\"]");
    assertThat(web.has("updateStatus")).isFalse();
    assertThat(StreamSupport.stream(at.path("tasks").spliterator(), false)
        .filter(t -> t.path("status").path("state").asText().equals("RUNNING"))).hasSize(3);
    assertThat(StreamSupport.stream(at.path("nodes").spliterator(), false)).allMatch(n -> n.path("status").asText().equals("ready"));

    Run later = shoal("audit", "at", java.time.Instant.ofEpochMilli(marks.get("node-3-down")).toString(),
        "--cluster-secret-file", secretFile.toString());
    assertThat(later.exit()).isZero();
    assertThat(later.out()).contains("SERVICES").contains("TASKS").contains("NODES").contains("rollback_completed");
    assertThat(later.out().lines().filter(l -> l.contains("node-3") && l.contains("down"))).isNotEmpty();
  }

  @Test
  @Order(3)
  void whyNamesTheFilterThatExcludedTheDrainedNode() {
    JsonNode task = StreamSupport.stream(json("/v1/tasks?service=web").spliterator(), false)
        .filter(t -> t.path("desiredState").asText().equals("running") && t.path("createdAt").asLong() >= marks.get("node-3-down"))
        .findFirst().orElseThrow();
    Run r = shoal("audit", "why", task.path("id").asText(), "--json", "--cluster-secret-file", secretFile.toString());
    assertThat(r.exit()).as(r.all()).isZero();
    JsonNode story = parse(r.out());
    JsonNode placed = StreamSupport.stream(story.path("steps").spliterator(), false)
        .filter(s -> s.path("what").asText().equals("placed")).findFirst().orElseThrow();
    assertThat(placed.path("exact").asBoolean()).isTrue();
    JsonNode node1 = find(placed.path("placement").path("candidates"), "nodeId", nodeId("node-1"));
    assertThat(node1.path("excludedBy").asText()).isEqualTo("node availability drain");
    assertThat(find(placed.path("placement").path("candidates"), "nodeId", nodeId("node-3")).path("excludedBy").asText())
        .isEqualTo("node down");
    assertThat(placed.path("placement").path("chosenNodeId").asText()).isEqualTo(nodeId("node-2"));

    Run text = shoal("audit", "why", task.path("id").asText(), "--cluster-secret-file", secretFile.toString());
    assertThat(text.out()).contains("excluded: node availability drain").contains("replaces task");
  }

  @Test
  @Order(4)
  void historyByReplayAndFromTheGatewayTellWhoChangedWhat() {
    JsonNode replayed = parse(shoal("audit", "history", "--service", "web", "--json",
        "--cluster-secret-file", secretFile.toString()).out());
    List<JsonNode> versions = StreamSupport.stream(replayed.path("entries").spliterator(), false)
        .filter(e -> e.has("version")).toList();
    assertThat(versions).extracting(e -> e.path("what").asText()).containsExactly("created", "scaled", "updated", "rollback");
    assertThat(versions).extracting(e -> e.path("principal").asText(null)).containsExactly("local", "local", "local", null);
    assertThat(versions.get(1).path("changes").toString()).contains("replicas");

    JsonNode served = json("/v1/services/web/history");
    List<JsonNode> requests = StreamSupport.stream(served.path("entries").spliterator(), false)
        .filter(e -> e.path("outcome").asText().equals("applied")).toList();
    assertThat(requests).extracting(e -> e.path("what").asText()).containsExactly("created", "scaled", "updated");
    // The same requests, versions and who as the replay says.
    for (int i = 0; i < 3; i++) {
      assertThat(requests.get(i).path("sequence")).isEqualTo(versions.get(i).path("sequence"));
      assertThat(requests.get(i).path("version")).isEqualTo(versions.get(i).path("version"));
      assertThat(requests.get(i).path("principal")).isEqualTo(versions.get(i).path("principal"));
      assertThat(requests.get(i).path("requestId")).isEqualTo(versions.get(i).path("requestId"));
    }
    assertThat(served.path("entries").toString()).contains("service.rollback");
    // One request a page, newest first, each page's cursor leading to the one before, down to the first.
    JsonNode page = Http.get(api + "/v1/services/web/history?limit=1").json();
    assertThat(applied(page)).containsExactly("updated");
    page = Http.get(api + "/v1/services/web/history?limit=1&before=" + page.path("older").asText()).json();
    assertThat(applied(page)).containsExactly("scaled");
    page = Http.get(api + "/v1/services/web/history?limit=1&before=" + page.path("older").asText()).json();
    assertThat(applied(page)).containsExactly("created");
    assertThat(page.has("older")).as(page.toString()).isFalse();
    assertThat(Http.get(api + "/v1/services/web/history?limit=0").status()).isEqualTo(400);
    assertThat(Http.get(api + "/v1/services/nothing/history").status()).isEqualTo(404);

    Run batch = shoal("audit", "history", "--service", "batch", "--cluster-secret-file", secretFile.toString());
    assertThat(batch.out()).contains("created").contains("by unknown (a Kafka client)");

    Run none = shoal("audit", "history", "--service", "nothing", "--cluster-secret-file", secretFile.toString());
    assertThat(none.exit()).as(none.all()).isEqualTo(1);
    assertThat(none.out()).contains("no decision concerned service nothing");
  }

  @Test
  @Order(5)
  void aRecordMadeByHandInShoalTasksIsReportedWithItsOffset() throws Exception {
    RecordMetadata made;
    try (KafkaProducer<String, String> p = producer()) {
      made = p.send(new ProducerRecord<>(topics.tasks.name(), "made-by-hand", "{\"id\":\"made-by-hand\"}")).get();
    }
    Run r = shoal("audit", "verify", "--cluster-secret-file", secretFile.toString());
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out()).contains("divergence 1 (unexpected) " + made.topic() + "-" + made.partition() + "@" + made.offset())
        .contains("no shoal-sequence header").contains("made-by-hand").contains(", 1 divergence");
  }

  @Test
  @Order(6)
  void usageErrorsAreOneLineAndHelpListsTheCommands() {
    Run badTime = shoal("audit", "at", "yesterday-ish");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err().lines().toList()).hasSize(2).first().asString().startsWith("shoal audit at: TIME must be");
    assertThat(shoal("audit", "why", "nope").exit()).isEqualTo(2);
    assertThat(shoal("audit", "verify", "--cluster-secret-file", "x", "--insecure-open-join").exit()).isEqualTo(2);
    Run help = shoal("help", "audit");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("verify").contains("at").contains("why").contains("history");
  }

  // ---- helpers ----

  /** What a run of the launcher printed and how it ended. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** {@code shoal ARGS} in this JVM, as the launcher runs it, against this test's cluster. */
  private static Run shoal(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (args.length > 1 && args[0].equals("audit")) {
      all.addAll(List.of("--bootstrap-servers", bootstrap, "--topic-prefix", prefix, "--cache-dir", cacheDir.toString(),
          "--quiet"));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Shoal.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(all.toArray(String[]::new));
    System.out.println("=== shoal " + String.join(" ", args) + " -> " + exit + "\n" + out + err);
    return new Run(exit, out.toString(), err.toString());
  }

  /** What each applied request on a page of the gateway's history did, oldest first. */
  private static List<String> applied(JsonNode page) {
    return StreamSupport.stream(page.path("entries").spliterator(), false)
        .filter(e -> e.path("outcome").asText().equals("applied")).map(e -> e.path("what").asText()).toList();
  }

  private static void mark(String name) {
    long now = System.currentTimeMillis();
    marks.put(name, now);
    // The next step's decisions are made strictly after the mark.
    await().atMost(Duration.ofSeconds(1)).until(() -> System.currentTimeMillis() > now + 5);
  }

  private static JsonNode json(String path) {
    return Http.get(api + path).json();
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    return StreamSupport.stream(array.spliterator(), false).filter(n -> value.equals(n.path(field).asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + array));
  }

  private static List<JsonNode> running(String service) {
    return StreamSupport.stream(json("/v1/tasks?service=" + service).spliterator(), false)
        .filter(t -> t.path("desiredState").asText().equals("running")
            && t.path("status").path("state").asText().equals("running")).toList();
  }

  private static String nodeId(String hostname) {
    return json("/v1/nodes/" + hostname).path("id").asText();
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }
}
