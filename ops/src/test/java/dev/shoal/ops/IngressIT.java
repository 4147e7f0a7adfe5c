package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingress end to end (issue 11): a real broker, the orchestrator, the gateway with its ingress and
 * three agents whose tasks are real Python processes listening on {@code $PORT}; clients reach them
 * only through the published port. Each test publishes its own port, chosen free for the run.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IngressIT {
  private static final Duration CONVERGE = Duration.ofSeconds(45);
  private static final Duration POLL = Duration.ofMillis(100);
  /** An HTTP/1.1 keep-alive server on $PORT answering its task id, so a client sees which task served it. */
  private static final String HTTP_TASK = String.join("\n",
      "import http.server, os",
      "class H(http.server.BaseHTTPRequestHandler):",
      "    protocol_version = 'HTTP/1.1'",
      "    def do_GET(self):",
      "        b = os.environ['SHOAL_TASK_ID'].encode()",
      "        self.send_response(200)",
      "        self.send_header('Content-Length', str(len(b)))",
      "        self.end_headers()",
      "        self.wfile.write(b)",
      "    def log_message(self, *args):",
      "        pass",
      "http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()");
  /** A line protocol on $PORT, no HTTP: a greeting naming the task, then every line echoed. */
  private static final String TCP_TASK = String.join("\n",
      "import socketserver, os",
      "class H(socketserver.StreamRequestHandler):",
      "    def handle(self):",
      "        self.wfile.write(('hello from ' + os.environ['SHOAL_TASK_ID'] + '\\n').encode())",
      "        for line in self.rfile:",
      "            self.wfile.write(line)",
      "class S(socketserver.ThreadingTCPServer):",
      "    allow_reuse_address = True",
      "    daemon_threads = True",
      "S(('127.0.0.1', int(os.environ['PORT'])), H).serve_forever()");

  private static LocalCluster cluster;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    // Not a failure test: a node-down timeout of 10 s keeps a loaded machine from flapping live nodes.
    cluster = new LocalCluster(kafka.bootstrapServers(), kafka.uniquePrefix(), dir, 3, RuntimeChoice.PROCESS,
        Duration.ofSeconds(10));
    await().atMost(CONVERGE).until(() -> Http.get(cluster.api() + "/v1/nodes").json().size() == 3);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- specs and API helpers ----

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A spec of {@code script} run by python3, {@code marker} last in argv (to find its processes). */
  private static ObjectNode spec(String name, String script, String marker, int replicas, int published, boolean http) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("name", name);
    s.putArray("command").add("python3").add("-c").add(script).add(marker);
    s.put("replicas", replicas);
    ObjectNode port = s.putArray("ports").addObject();
    port.put("target", 8000);
    port.put("published", published);
    if (http) {
      port.put("appProtocol", "http");
    }
    return s;
  }

  private static String marker(String what) {
    return "shoal-ingress-it-" + what + "-" + UUID.randomUUID();
  }

  private static long processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).count();
  }

  private static void create(ObjectNode spec) {
    applied(Http.call("POST", cluster.api() + "/v1/services", Json.toString(spec)), 201);
  }

  /**
   * A write answered {@code expected}, or 202: published, but the orchestrator's verdict came after the
   * gateway's apply timeout (a loaded machine); what follows waits for its effect anyway.
   */
  private static void applied(Http.Response r, int expected) {
    assertThat(r.status()).as(r.body()).isIn(expected, 202);
  }

  private static List<JsonNode> running(String service) {
    List<JsonNode> out = new ArrayList<>();
    Http.get(cluster.api() + "/v1/tasks?service=" + service + "&desired-state=running").json().forEach(t -> {
      if ("running".equals(t.path("status").path("state").asText())) {
        out.add(t);
      }
    });
    return out;
  }

  /** The port as this gateway's ingress shows it ({@code GET /v1/ingress/{port}}). */
  private static JsonNode ingress(int port) {
    return Http.get(cluster.api() + "/v1/ingress/" + port).json();
  }

  /** Waits until {@code n} tasks run, each answers on its own endpoint, and the ingress serves exactly them. */
  private static void awaitServing(String service, int n, String marker, int port) {
    try {
      await().atMost(CONVERGE).pollInterval(Duration.ofMillis(200))
          .until(() -> running(service).size() == n && processesWith(marker) == n);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(n + " tasks of " + service + " did not run; recent events: "
          + Http.get(cluster.api() + "/v1/events?since=2m").body(), e);
    }
    for (JsonNode t : running(service)) {
      String endpoint = t.path("status").path("endpoint").asText();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> listens(endpoint));
    }
    await().atMost(CONVERGE).pollInterval(POLL).until(() -> ingress(port).path("listening").asBoolean()
        && ingress(port).path("tasks").size() == n);
  }

  private static boolean listens(String endpoint) {
    String[] hp = endpoint.split(":");
    try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void remove(String name, String marker) {
    applied(Http.call("DELETE", cluster.api() + "/v1/services/" + name, null), 204);
    await().atMost(CONVERGE).until(() -> processesWith(marker) == 0);
  }

  // ---- a client load through the published port ----

  /** Client threads sending GETs through the published port until stopped; every answer that is not 200 is a failure. */
  private static final class Load implements AutoCloseable {
    final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(int port, int clients) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(15)).build();
      for (int i = 0; i < clients; i++) {
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            try {
              HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                servedBy.computeIfAbsent(r.body(), k -> new AtomicLong()).incrementAndGet();
              } else {
                failures.add(r.statusCode() + " " + r.body().trim());
              }
            } catch (IOException e) {
              failures.add(e.toString());
            } catch (InterruptedException e) {
              return;
            }
            requests.incrementAndGet();
          }
        }, "ingress-it-load-" + i);
        threads.add(t);
        t.start();
      }
    }

    /** Waits until at least {@code more} further requests went through, so each phase runs under load. */
    void awaitRequests(long more) {
      long target = requests.get() + more;
      await().atMost(CONVERGE).until(() -> requests.get() >= target);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(20_000);
      }
    }
  }

  // ---- tests ----

  @Test
  void threeReplicasShareThePortAndScalingToOneUnderLoadFailsNoRequest() throws Exception {
    int port = freePort();
    String marker = marker("web");
    create(spec("web", HTTP_TASK, marker, 3, port, true));
    awaitServing("web", 3, marker, port);
    Set<String> taskIds = running("web").stream().map(t -> t.path("id").asText()).collect(Collectors.toSet());

    HttpClient client = HttpClient.newHttpClient();
    Map<String, Integer> served = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      served.merge(r.body(), 1, Integer::sum);
    }
    // Round robin over three serving tasks, one client in sequence: a third each.
    assertThat(served.keySet()).isEqualTo(taskIds);
    assertThat(served.values()).containsOnly(100);
    JsonNode view = ingress(port);
    assertThat(view.path("service").asText()).isEqualTo("web");
    assertThat(view.path("protocol").asText()).isEqualTo("http");
    List<Long> counted = new ArrayList<>();
    view.path("tasks").forEach(t -> counted.add(t.path("served").asLong()));
    assertThat(counted).hasSize(3).allMatch(c -> c >= 100);

    try (Load load = new Load(port, 4)) {
      load.awaitRequests(100);
      applied(Http.call("POST", cluster.api() + "/v1/services/web/scale", "{\"replicas\": 1}"), 200);
      await().atMost(CONVERGE).pollInterval(POLL).until(() -> processesWith(marker) == 1
          && ingress(port).path("tasks").size() == 1);
      load.awaitRequests(100);
      load.close();
      assertThat(load.failures).as("failed requests while scaling 3 -> 1").isEmpty();
      assertThat(load.servedBy.keySet()).isEqualTo(taskIds);
    }
    remove("web", marker);
  }

  @Test
  void aStartFirstRollingUpdateUnderLoadFailsNoRequest() throws Exception {
    int port = freePort();
    String v1 = marker("v1");
    String v2 = marker("v2");
    ObjectNode spec = spec("roll", HTTP_TASK, v1, 3, port, true);
    // A health check says when a new task listens: a process task is RUNNING once spawned, and without
    // a check its slot's old task would leave then, while Python may not listen for seconds on a
    // loaded machine (58 and 13 requests failed in two loaded runs that way). With it, start-first
    // keeps each old task until its replacement is healthy, as a readiness probe would.
    spec.putObject("updateConfig").put("parallelism", 1).put("order", "start-first").put("monitor", "1s");
    ObjectNode check = spec.putObject("healthcheck");
    // bash's /dev/tcp: a connect costs a few ms of CPU where starting Python for each check cost tens,
    // enough on two loaded cores for checks to time out and the update to miss its deadline.
    check.putArray("test").add("CMD").add("bash").add("-c").add("exec 3<>/dev/tcp/127.0.0.1/$PORT");
    check.put("interval", "1s").put("timeout", "10s").put("retries", 3).put("startPeriod", "60s");
    create(spec);
    awaitServing("roll", 3, v1, port);
    Set<String> oldIds = running("roll").stream().map(t -> t.path("id").asText()).collect(Collectors.toSet());

    try (Load load = new Load(port, 4)) {
      load.awaitRequests(100);
      ((com.fasterxml.jackson.databind.node.ArrayNode) spec.get("command")).set(3, v2);
      long version = Http.get(cluster.api() + "/v1/services/roll").json().path("version").asLong();
      applied(Http.call("PUT", cluster.api() + "/v1/services/roll?version=" + version, Json.toString(spec)), 200);
      await().atMost(CONVERGE).pollInterval(POLL).until(() -> "completed".equals(Http.get(cluster.api()
          + "/v1/services/roll").json().path("updateStatus").path("state").asText()));
      await().atMost(CONVERGE).pollInterval(POLL).until(() -> processesWith(v1) == 0 && processesWith(v2) == 3);
      load.awaitRequests(100);
      load.close();
      assertThat(load.failures).as("failed requests during the rolling update").isEmpty();
      Set<String> newIds = running("roll").stream().map(t -> t.path("id").asText()).collect(Collectors.toSet());
      assertThat(newIds).hasSize(3).doesNotContainAnyElementsOf(oldIds);
      assertThat(load.servedBy.keySet()).as("old and new tasks both served").containsAll(oldIds).containsAll(newIds);
    }
    remove("roll", v2);
  }

  @Test
  void aRawTcpServiceWorksThroughItsPublishedPortWhichClosesWhenTheServiceGoes() throws Exception {
    int port = freePort();
    String marker = marker("tcp");
    create(spec("echo", TCP_TASK, marker, 2, port, false));
    awaitServing("echo", 2, marker, port);
    assertThat(ingress(port).path("protocol").asText()).isEqualTo("tcp");
    Set<String> taskIds = running("echo").stream().map(t -> t.path("id").asText()).collect(Collectors.toSet());

    Set<String> greeted = new java.util.TreeSet<>();
    for (int i = 0; i < 4; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
        greeted.add(in.readLine());
        out.println("ping " + i);
        assertThat(in.readLine()).isEqualTo("ping " + i);
      }
    }
    assertThat(greeted).isEqualTo(taskIds.stream().map(id -> "hello from " + id).collect(Collectors.toSet()));

    applied(Http.call("DELETE", cluster.api() + "/v1/services/echo", null), 204);
    await().atMost(CONVERGE).pollInterval(POLL).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
    assertThat(Http.get(cluster.api() + "/v1/ingress/" + port).status()).isEqualTo(404);
    await().atMost(CONVERGE).until(() -> processesWith(marker) == 0);
  }

  @Test
  void aPublishedPortAnotherServiceHoldsIsRefusedWithTheHoldersName() throws Exception {
    int port = freePort();
    create(spec("holder", HTTP_TASK, marker("holder"), 0, port, true));
    Http.Response r = Http.call("POST", cluster.api() + "/v1/services",
        Json.toString(spec("taker", HTTP_TASK, marker("taker"), 0, port, true)));
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().path("message").asText())
        .isEqualTo("published port " + port + "/tcp is already published by service holder: an ingress port is one"
            + " per cluster");
    applied(Http.call("DELETE", cluster.api() + "/v1/services/holder", null), 204);
  }
}
