package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shoal end to end on a real broker with three agents running tasks as real processes, driven
 * through the REST API and through a plain Kafka producer.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ProcessClusterIT {
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static LocalCluster cluster;
  private static String bootstrap;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    bootstrap = kafka.bootstrapServers();
    cluster = new LocalCluster(bootstrap, kafka.uniquePrefix(), dir, 3, RuntimeChoice.PROCESS);
    await().atMost(CONVERGE).until(() -> Http.get(cluster.api() + "/v1/nodes").json().size() == 3);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A Python HTTP server on $PORT whose argv carries a marker, so its processes can be found. */
  private static String spec(String name, int replicas, String marker) {
    String script = "import http.server,os; http.server.ThreadingHTTPServer(('127.0.0.1', int(os.environ['PORT'])),"
        + " http.server.SimpleHTTPRequestHandler).serve_forever()";
    return "{\"name\":\"" + name + "\",\"command\":[\"python3\",\"-c\",\"" + script + "\",\"" + marker + "\"],"
        + "\"replicas\":" + replicas + ",\"ports\":[{\"target\":8000}]}";
  }

  private static long processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).count();
  }

  private static List<JsonNode> running(String service) {
    List<JsonNode> out = new ArrayList<>();
    Http.get(cluster.api() + "/v1/tasks?service=" + service + "&desired-state=running").json()
        .forEach(t -> {
          if ("running".equalsIgnoreCase(t.path("status").path("state").asText())) {
            out.add(t);
          }
        });
    return out;
  }

  @Test
  void createScaleAndRemoveThroughTheApi() {
    String marker = "shoal-it-" + UUID.randomUUID();
    Http.Response created = Http.call("POST", cluster.api() + "/v1/services", spec("web", 5, marker));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("version").asLong()).isPositive();

    await().atMost(CONVERGE).until(() -> running("web").size() == 5);
    Map<String, Integer> perNode = new HashMap<>();
    for (JsonNode t : running("web")) {
      perNode.merge(t.path("nodeId").asText(), 1, Integer::sum);
      String endpoint = t.path("status").path("endpoint").asText();
      assertThat(endpoint).startsWith("127.0.0.1:");
      // RUNNING means the process started (as in Swarm), not that it already listens.
      await().atMost(Duration.ofSeconds(10)).until(() -> Http.get("http://" + endpoint + "/").status() == 200);
    }
    assertThat(perNode.values()).containsExactlyInAnyOrder(2, 2, 1);
    assertThat(processesWith(marker)).isEqualTo(5);
    JsonNode listed = Http.get(cluster.api() + "/v1/services").json().get(0);
    assertThat(listed.path("replicas").path("running").asInt()).isEqualTo(5);
    assertThat(listed.path("replicas").path("desired").asInt()).isEqualTo(5);

    Http.Response scaled = Http.call("POST", cluster.api() + "/v1/services/web/scale", "{\"replicas\":2}");
    assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
    await().atMost(CONVERGE).until(() -> running("web").size() == 2 && processesWith(marker) == 2);
    assertThat(running("web")).extracting(t -> t.path("slot").asInt()).containsExactlyInAnyOrder(1, 2);

    long version = Http.get(cluster.api() + "/v1/services/web").json().path("version").asLong();
    Http.Response stale = Http.call("PUT", cluster.api() + "/v1/services/web?version=" + (version - 1), spec("web", 3, marker));
    assertThat(stale.status()).isEqualTo(409);
    Http.Response updated = Http.call("PUT", cluster.api() + "/v1/services/web?version=" + version, spec("web", 3, marker));
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    await().atMost(CONVERGE).until(() -> running("web").size() == 3 && processesWith(marker) == 3);

    assertThat(Http.call("DELETE", cluster.api() + "/v1/services/web", null).status()).isEqualTo(204);
    await().atMost(CONVERGE).until(() -> processesWith(marker) == 0);
    assertThat(Http.get(cluster.api() + "/v1/services/web").status()).isEqualTo(404);
  }

  @Test
  void invalidSpecsAreRefusedOverHttpAndOnKafka() throws Exception {
    Http.Response bad = Http.call("POST", cluster.api() + "/v1/services", "{\"name\":\"bad\",\"command\":[\"x\"],\"replicas\":-1}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("message").asText()).contains("$.replicas");
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>(cluster.topics.specs.name(), "bad", "{\"name\":\"bad\",\"replicas\":\"many\"}")).get();
    }
    await().atMost(CONVERGE).until(() -> {
      for (JsonNode e : Http.get(cluster.api() + "/v1/events?type=spec.rejected").json()) {
        if (e.path("entityId").asText().equals("bad") && e.path("message").asText().contains("$.replicas")) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void aSpecPublishedWithAPlainProducerConvergesAndATombstoneRemovesIt() throws Exception {
    String marker = "shoal-it-" + UUID.randomUUID();
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>(cluster.topics.specs.name(), "direct", spec("direct", 2, marker))).get();
      await().atMost(CONVERGE).until(() -> running("direct").size() == 2 && processesWith(marker) == 2);
      p.send(new ProducerRecord<>(cluster.topics.specs.name(), "direct", null)).get();
    }
    await().atMost(CONVERGE).until(() -> processesWith(marker) == 0
        && Http.get(cluster.api() + "/v1/services/direct").status() == 404);
  }

  @Test
  void nodesShowStatusRoleAvailabilityAndResources() {
    for (JsonNode n : Http.get(cluster.api() + "/v1/nodes").json()) {
      assertThat(n.path("status").asText()).isEqualTo("ready");
      assertThat(n.path("availability").asText()).isEqualTo("active");
      assertThat(n.path("role").asText()).isEqualTo("worker");
      assertThat(n.path("description").path("resources").path("cpus").asDouble()).isPositive();
      assertThat(n.path("description").path("drivers").toString()).contains("process");
    }
  }

  private static KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }
}
