package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Rolling updates and rollbacks with real processes on a real broker, driven over REST. */
@ExtendWith(KafkaBrokerExtension.class)
class RollingUpdateIT {
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static LocalCluster cluster;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    cluster = new LocalCluster(kafka.bootstrapServers(), kafka.uniquePrefix(), dir, 3, RuntimeChoice.PROCESS);
    await().atMost(CONVERGE).until(() -> Http.get(cluster.api() + "/v1/nodes").json().size() == 3);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** An HTTP server on $PORT; {@code version} is an argv marker that makes each spec a new template. */
  private static String spec(String name, int replicas, String version, String updateConfig) {
    String script = "import http.server,os; http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])),"
        + " http.server.SimpleHTTPRequestHandler).serve_forever()";
    return "{\"name\":\"" + name + "\",\"command\":[\"python3\",\"-c\",\"" + script + "\",\"" + version + "\"],"
        + "\"replicas\":" + replicas + ",\"ports\":[{\"target\":8000}],\"updateConfig\":" + updateConfig
        + ",\"rollbackConfig\":" + updateConfig + "}";
  }

  private static String failing(String name, int replicas, String updateConfig) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sh\",\"-c\",\"sleep 0.3; exit 1\"],\"replicas\":" + replicas
        + ",\"restartPolicy\":{\"delay\":\"30s\"},\"updateConfig\":" + updateConfig + ",\"rollbackConfig\":" + updateConfig + "}";
  }

  private static JsonNode service(String name) {
    return Http.get(cluster.api() + "/v1/services/" + name).json();
  }

  private static long reportedRunning(String name) {
    long n = 0;
    for (JsonNode t : Http.get(cluster.api() + "/v1/tasks?service=" + name + "&desired-state=running").json()) {
      n += "running".equals(t.path("status").path("state").asText()) ? 1 : 0;
    }
    return n;
  }

  private static void create(String spec) {
    Http.Response r = Http.call("POST", cluster.api() + "/v1/services", spec);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private static void update(String name, String spec) {
    long version = service(name).path("version").asLong();
    Http.Response r = Http.call("PUT", cluster.api() + "/v1/services/" + name + "?version=" + version, spec);
    assertThat(r.status()).as(r.body()).isIn(200, 202);
  }

  private static long runningWith(String name, String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).count();
  }

  @Test
  void sixReplicasParallelismTwoDelayOneSecondGoInThreeGroups() {
    String cfg = "{\"parallelism\":2,\"delay\":\"1s\",\"monitor\":\"1s\"}";
    create(spec("groups", 6, "groups-v1", cfg));
    await().atMost(CONVERGE).until(() -> runningWith("groups", "groups-v1") == 6);
    long start = System.nanoTime();
    update("groups", spec("groups", 6, "groups-v2", cfg));
    await().atMost(CONVERGE).until(() -> "completed".equals(service("groups").path("updateStatus").path("state").asText()));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(runningWith("groups", "groups-v2")).isEqualTo(6);
    assertThat(runningWith("groups", "groups-v1")).isZero();
    // Task history: the new tasks were created in three groups of two, in slot order.
    TreeMap<Long, List<Integer>> groups = new TreeMap<>();
    for (JsonNode t : Http.get(cluster.api() + "/v1/tasks?service=groups").json()) {
      if (t.path("specVersion").asLong() == 2) {
        groups.computeIfAbsent(t.path("createdAt").asLong(), k -> new ArrayList<>()).add(t.path("slot").asInt());
      }
    }
    assertThat(groups.values()).extracting(List::size).containsExactly(2, 2, 2);
    // Minimum the config allows: 3 groups × 1 s monitor + 2 delays × 1 s = 5 s, plus process starts and
    // the control-log round trips (measured ≈ 0.4 s a group here): allow 20 % + 3 s.
    System.out.printf("update of 6 replicas (parallelism 2, delay 1s, monitor 1s) took %.2f s (minimum 5 s)%n", seconds);
    assertThat(seconds).isBetween(5.0, 5.0 * 1.2 + 3);
  }

  @Test
  void aFailingNewTaskPausesTheUpdateWhileOldTasksServeAndRollbackRestoresTheOldSpec() {
    String pause = "{\"parallelism\":1,\"monitor\":\"2s\",\"failureAction\":\"pause\"}";
    create(spec("fragile", 3, "fragile-v1", pause));
    await().atMost(CONVERGE).until(() -> runningWith("fragile", "fragile-v1") == 3);
    update("fragile", failing("fragile", 3, pause));
    await().atMost(CONVERGE).until(() -> "paused".equals(service("fragile").path("updateStatus").path("state").asText()));
    assertThat(service("fragile").path("updateStatus").path("message").asText())
        .contains("update paused due to failure or early termination of task");
    assertThat(runningWith("fragile", "fragile-v1")).isEqualTo(2);
    for (JsonNode t : Http.get(cluster.api() + "/v1/tasks?service=fragile&desired-state=running").json()) {
      if ("running".equals(t.path("status").path("state").asText())) {
        String endpoint = t.path("status").path("endpoint").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get("http://" + endpoint + "/").status() == 200);
      }
    }

    String rollback = "{\"parallelism\":1,\"monitor\":\"2s\",\"failureAction\":\"rollback\"}";
    create(spec("safe", 3, "safe-v1", rollback));
    await().atMost(CONVERGE).until(() -> runningWith("safe", "safe-v1") == 3);
    update("safe", failing("safe", 3, rollback));
    await().atMost(CONVERGE).until(() -> "rollback_completed".equals(service("safe").path("updateStatus").path("state").asText()));
    assertThat(service("safe").path("spec").path("command").toString()).contains("safe-v1");
    await().atMost(CONVERGE).until(() -> runningWith("safe", "safe-v1") == 3);
  }

  @Test
  void startFirstNeverDropsBelowTheReplicaCountUnderLoad() throws Exception {
    String cfg = "{\"parallelism\":1,\"monitor\":\"1s\",\"order\":\"start-first\"}";
    create(spec("steady", 3, "steady-v1", cfg));
    await().atMost(CONVERGE).until(() -> runningWith("steady", "steady-v1") == 3 && reportedRunning("steady") == 3);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger minRunning = new AtomicInteger(Integer.MAX_VALUE);
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    Thread load = new Thread(() -> {
      while (!done.get()) {
        int seen = 0;
        for (JsonNode t : Http.get(cluster.api() + "/v1/tasks?service=steady&desired-state=running").json()) {
          if ("running".equals(t.path("status").path("state").asText())) {
            seen++;
            requests.incrementAndGet();
            if (Http.get("http://" + t.path("status").path("endpoint").asText() + "/").status() != 200) {
              failures.incrementAndGet();
            }
          }
        }
        minRunning.accumulateAndGet(seen, Math::min);
      }
    });
    load.start();
    update("steady", spec("steady", 3, "steady-v2", cfg));
    await().atMost(CONVERGE).until(() -> "completed".equals(service("steady").path("updateStatus").path("state").asText()));
    done.set(true);
    load.join();
    System.out.printf("start-first under load: %d requests, %d failed, at least %d running tasks seen%n",
        requests.get(), failures.get(), minRunning.get());
    assertThat(minRunning.get()).isGreaterThanOrEqualTo(3);
    assertThat(runningWith("steady", "steady-v2")).isEqualTo(3);
  }

  @Test
  void manualRollbackReturnsToThePreviousCommand() {
    String cfg = "{\"parallelism\":0,\"monitor\":\"1s\"}";
    create(spec("back", 2, "back-v1", cfg));
    await().atMost(CONVERGE).until(() -> runningWith("back", "back-v1") == 2);
    update("back", spec("back", 2, "back-v2", cfg));
    await().atMost(CONVERGE).until(() -> "completed".equals(service("back").path("updateStatus").path("state").asText()));
    Http.Response r = Http.call("POST", cluster.api() + "/v1/services/back/rollback", null);
    assertThat(r.status()).as(r.body()).isIn(200, 202);
    await().atMost(CONVERGE).until(() -> "rollback_completed".equals(service("back").path("updateStatus").path("state").asText())
        && runningWith("back", "back-v1") == 2 && runningWith("back", "back-v2") == 0);
  }
}
