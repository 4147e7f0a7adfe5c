package dev.shoal.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.NodeAgentConfig;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.metrics.ShoalMetrics;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.orchestrator.streams.OrchestratorConfig;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's) scrapes a running cluster — orchestrator, gateway and two agents
 * sharing one registry as under {@code shoal dev}, on a real broker — through the committed
 * {@code ops/prometheus/prometheus.yml} (only its target and intervals changed). Then every query
 * of every Grafana dashboard runs against Prometheus' query API: it must be valid and return data.
 * The dashboards' JSON structure is checked too, and the alert rules must load.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PrometheusScrapeIT {
  /** A task answering every GET with 200 on $PORT (as IngressIT's): traffic for the ingress panels. */
  private static final String HTTP_TASK = String.join("\n",
      "import http.server, os",
      "class H(http.server.BaseHTTPRequestHandler):",
      "    protocol_version = 'HTTP/1.1'",
      "    def do_GET(self):",
      "        self.send_response(200)",
      "        self.send_header('Content-Length', '2')",
      "        self.end_headers()",
      "        self.wfile.write(b'ok')",
      "    def log_message(self, *args):",
      "        pass",
      "http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ShoalMetrics metrics;
  private static OrchestratorApp orchestrator;
  private static GatewayServer gateway;
  private static final List<NodeAgent> AGENTS = new ArrayList<>();
  private static Process prometheus;
  private static Path prometheusLog;
  private static String prometheusUrl;
  private static String api;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    Path binary = PrometheusBinaries.require("prometheus");
    String bootstrap = kafka.bootstrapServers();
    Topics topics = new Topics(kafka.uniquePrefix());
    metrics = ShoalMetrics.create();
    orchestrator = new OrchestratorApp(OrchestratorConfig.defaults(bootstrap, dir.resolve("orchestrator"))
        .withTopics(topics), metrics.registry());
    orchestrator.start(Duration.ofSeconds(60));
    gateway = new GatewayServer(GatewayConfig.defaults(bootstrap).withTopics(topics).withListener("127.0.0.1", 0),
        metrics).start();
    api = "http://127.0.0.1:" + gateway.port();
    for (int i = 1; i <= 2; i++) {
      NodeAgent a = new NodeAgent(NodeAgentConfig.builder(bootstrap, dir.resolve("agent-" + i)).topics(topics)
          .hostname("node-" + i).heartbeatInterval(Duration.ofMillis(500)).resyncInterval(Duration.ofSeconds(1))
          .build()).meterWith(metrics.registry());
      AGENTS.add(a);
      a.start();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> get(api + "/v1/nodes").size() == 2);
    exerciseTheCluster(bootstrap, topics);
    // The GC panels' series appear with the first collection, which a roomy test heap may not have had yet.
    System.gc();
    startPrometheus(binary, dir.resolve("prometheus"));
  }

  /**
   * Gives every panel something to show: running and pending tasks, a rejection, a scale-down, and
   * ingress traffic: requests answered by a task, and 503s from the published port of a service
   * whose task cannot be placed.
   */
  private static void exerciseTheCluster(String bootstrap, Topics topics) throws Exception {
    int sitePort = freePort();
    int bigPort = freePort();
    assertThat(post("/v1/services", "{\"name\":\"web\",\"command\":[\"sleep\",\"600\"],\"replicas\":3}")).isEqualTo(201);
    assertThat(post("/v1/services", "{\"name\":\"big\",\"command\":[\"sleep\",\"600\"],\"replicas\":1,"
        + "\"resources\":{\"reservations\":{\"memory\":\"1T\"}},"
        + "\"ports\":[{\"target\":80,\"published\":" + bigPort + ",\"appProtocol\":\"http\"}]}")).isEqualTo(201);
    ObjectNode site = JSON.createObjectNode().put("name", "site").put("replicas", 1);
    site.putArray("command").add("python3").add("-c").add(HTTP_TASK);
    site.putArray("ports").addObject().put("target", 8000).put("published", sitePort).put("appProtocol", "http");
    assertThat(post("/v1/services", JSON.writeValueAsString(site))).isEqualTo(201);
    assertThat(post("/v1/services", "{\"name\":\"bad\",\"replicas\":-1}")).isEqualTo(400);
    // ignoring errors: a read right after the create may come before this gateway's read model has the tasks
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      JsonNode tasks = get(api + "/v1/tasks?service=web");
      int running = 0;
      for (JsonNode t : tasks) {
        running += t.path("status").path("state").asText().equalsIgnoreCase("running") ? 1 : 0;
      }
      return running == 3;
    });
    assertThat(post("/v1/services/web/scale", "{\"replicas\": 2}")).isEqualTo(200);
    // ignoring errors: refused until the port opens; 503 until the task listens
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status(sitePort) == 200);
    for (int i = 0; i < 5; i++) {
      assertThat(status(sitePort)).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> status(bigPort) == 503);
    // Any Kafka client is a door too: a malformed spec there is the orchestrator's to refuse.
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topics.specs.name(), "broken", "{\"name\":")).get();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The status of a GET through a published port of the gateway's ingress. */
  private static int status(int publishedPort) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publishedPort + "/"))
        .version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void startPrometheus(Path binary, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path root = PrometheusBinaries.projectRoot();
    String config = Files.readString(root.resolve("ops/prometheus/prometheus.yml"));
    String rendered = config.replace("127.0.0.1:2375", "127.0.0.1:" + gateway.port())
        .replace("scrape_interval: 10s", "scrape_interval: 1s").replace("evaluation_interval: 10s", "evaluation_interval: 1s");
    assertThat(rendered).as("the committed config scrapes shoal dev's gateway every 10s")
        .contains("127.0.0.1:" + gateway.port()).contains("scrape_interval: 1s");
    Files.writeString(dir.resolve("prometheus.yml"), rendered);
    Files.copy(root.resolve("ops/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    prometheusUrl = "http://127.0.0.1:" + port;
    prometheusLog = dir.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
    // Enough scrapes that a rate over a minute has points to work with.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .ignoreExceptionsInstanceOf(IOException.class).until(() -> { // refused, or "Service Unavailable" while it starts
      assertThat(prometheus.isAlive()).as("prometheus runs; its log: %s", log()).isTrue();
      JsonNode r = query("count_over_time(up{job=\"shoal-dev\"}[1m])");
      return r != null && r.size() == 1 && r.get(0).path("value").get(1).asDouble() >= 8
          && query("up{job=\"shoal-dev\"} == 1").size() == 1;
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
    AGENTS.forEach(NodeAgent::close);
    if (gateway != null) {
      gateway.close();
    }
    if (orchestrator != null) {
      orchestrator.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  private static String log() {
    try {
      return Files.readString(prometheusLog);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static int post(String path, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** The query's result, or null when Prometheus refused it (the error is in the assertion of the caller). */
  private static JsonNode query(String promql) throws IOException, InterruptedException {
    JsonNode r = get(prometheusUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    return "success".equals(r.path("status").asText()) ? r.path("data").path("result") : null;
  }

  private static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(PrometheusBinaries.projectRoot().resolve("ops/grafana/dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** What Grafana would send for the panel's query: variables as "All", the rate interval a minute. */
  private static String expand(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("$service", ".*").replace("$node", ".*");
  }

  @Test
  void everyDashboardQueryIsValidAndReturnsData() throws Exception {
    List<String> failures = new ArrayList<>();
    int queries = 0;
    for (Path file : dashboards()) {
      for (JsonNode panel : JSON.readTree(file.toFile()).path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          String expr = expand(target.path("expr").asText());
          queries++;
          JsonNode result = query(expr);
          String where = file.getFileName() + " / " + panel.path("title").asText() + ": " + expr;
          if (result == null) {
            failures.add("invalid: " + where + " -> " + get(prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8)).path("error").asText());
          } else if (result.isEmpty()) {
            failures.add("no data: " + where);
          }
        }
      }
    }
    assertThat(queries).as("the dashboards have queries").isGreaterThan(40);
    assertThat(failures).as("dashboard queries against a running cluster").isEmpty();
  }

  @Test
  void theDashboardsAreWellFormedGrafanaJson() throws Exception {
    List<Path> files = dashboards();
    assertThat(files).extracting(f -> f.getFileName().toString()).containsExactlyInAnyOrder("shoal-agents.json",
        "shoal-cluster.json", "shoal-gateway.json", "shoal-kafka.json", "shoal-nodes.json", "shoal-scheduling.json",
        "shoal-services.json");
    Set<String> uids = new HashSet<>();
    for (Path file : files) {
      JsonNode d = JSON.readTree(file.toFile());
      assertThat(uids.add(d.path("uid").asText())).as("unique uid in " + file).isTrue();
      assertThat(d.path("uid").asText()).isEqualTo(file.getFileName().toString().replace(".json", ""));
      assertThat(d.path("title").asText()).startsWith("Shoal / ");
      assertThat(d.path("schemaVersion").asInt()).isPositive();
      assertThat(d.path("templating").path("list").get(0).path("type").asText()).isEqualTo("datasource");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : d.path("panels")) {
        String what = file.getFileName() + " / " + p.path("title").asText();
        assertThat(ids.add(p.path("id").asInt())).as("unique panel id: " + what).isTrue();
        assertThat(p.path("type").asText()).as(what).isIn("timeseries", "stat", "table");
        JsonNode pos = p.path("gridPos");
        assertThat(pos.path("w").asInt() + pos.path("x").asInt()).as(what).isBetween(1, 24);
        assertThat(pos.path("h").asInt()).as(what).isPositive();
        assertThat(p.path("datasource").path("uid").asText()).as(what).isEqualTo("${datasource}");
        assertThat(p.path("targets")).as(what).isNotEmpty();
        Set<String> refs = new HashSet<>();
        for (JsonNode t : p.path("targets")) {
          assertThat(refs.add(t.path("refId").asText())).as("unique refId: " + what).isTrue();
          assertThat(t.path("expr").asText()).as(what).isNotBlank();
        }
      }
      // every variable a query uses is defined
      Set<String> defined = new HashSet<>();
      d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
      Matcher m = Pattern.compile("\\$(\\w+)").matcher(d.path("panels").toString());
      while (m.find()) {
        assertThat(m.group(1).startsWith("__") || defined.contains(m.group(1)))
            .as("variable $" + m.group(1) + " in " + file).isTrue();
      }
    }
  }

  @Test
  void theAlertRulesLoadAndEvaluate() throws Exception {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode groups = get(prometheusUrl + "/api/v1/rules").path("data").path("groups");
      List<String> rules = new ArrayList<>();
      groups.forEach(g -> g.path("rules").forEach(r -> {
        assertThat(r.path("health").asText()).as(r.path("name").asText() + ": " + r.path("lastError").asText())
            .isEqualTo("ok");
        rules.add(r.path("name").asText());
      }));
      assertThat(rules).hasSize(8).contains("ShoalNodeDown", "ShoalServiceUnderReplicated");
    });
  }

  @Test
  void theScrapeFollowsPrometheusConventions() throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Files.writeString(Path.of("target", "shoal-dev-metrics.txt"), text); // for whoever writes the next dashboard
    for (String prefix : List.of("shoal_cluster_", "shoal_orchestrator_", "shoal_agent_", "shoal_gateway_",
        "kafka_stream_", "kafka_producer_", "kafka_consumer_", "jvm_")) {
      assertThat(text).as("one endpoint serves every component").contains("\n" + prefix);
    }
    Matcher counters = Pattern.compile("# TYPE (shoal_\\S+) counter").matcher(text);
    while (counters.find()) {
      assertThat(counters.group(1)).endsWith("_total");
    }
    Matcher timers = Pattern.compile("# TYPE (shoal_\\S+) histogram").matcher(text);
    while (timers.find()) {
      assertThat(timers.group(1)).endsWith("_seconds");
    }
    assertThat(text).doesNotContainPattern("shoal_[a-z_]+\\{[^}]*task(_id)?=");
  }
}
