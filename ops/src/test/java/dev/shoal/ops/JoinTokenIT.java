package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.agent.NodeAgent;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Joining with tokens on a real broker: orchestrator and gateway share a cluster secret file. */
@ExtendWith(KafkaBrokerExtension.class)
class JoinTokenIT {
  private static final Shutdown SHUTDOWN = new Shutdown();
  private static String bootstrap;
  private static Topics topics;
  private static String api;
  private static Path dir;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path tmp) throws Exception {
    dir = tmp;
    bootstrap = kafka.bootstrapServers();
    topics = new Topics(kafka.uniquePrefix());
    byte[] secret = ClusterSecret.loadOrCreate(dir.resolve("cluster-secret"));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cluster-secret"))))
        .isEqualTo("rw-------");
    OrchestratorApp o = SHUTDOWN.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap, dir.resolve("o"),
        kafka.uniquePrefix(), 0, Duration.ofSeconds(3), 5).withClusterSecret(secret)));
    o.start(Duration.ofSeconds(60));
    GatewayServer g = SHUTDOWN.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withTopics(topics)
        .withListener("127.0.0.1", 0).withClusterSecret(ClusterSecret.load(dir.resolve("cluster-secret")))));
    g.start();
    api = "http://127.0.0.1:" + g.port();
  }

  @AfterAll
  static void stop() {
    SHUTDOWN.closeAll();
  }

  private static NodeAgent agent(String name, String token) {
    NodeAgent a = SHUTDOWN.register(AgentCommand.create(bootstrap, topics, name, dir.resolve(name), RuntimeChoice.PROCESS,
        Duration.ofMillis(500), Map.of(), Duration.ZERO, token));
    a.start();
    return a;
  }

  private static boolean nodeListed(String hostname) {
    for (JsonNode n : Http.get(api + "/v1/nodes").json()) {
      if (n.path("description").path("hostname").asText().equals(hostname)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void onlyAValidCurrentTokenJoinsAndRotationKeepsJoinedNodes() throws Exception {
    JsonNode tokens = Http.get(api + "/v1/swarm/join-tokens").json();
    String worker = tokens.path("worker").asText();
    assertThat(worker).startsWith("SWMTKN-1-");

    NodeAgent good = agent("good", worker);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodeListed("good"));
    assertThat(Http.get(api + "/v1/nodes/good").json().path("role").asText()).isEqualTo("worker");

    String manager = tokens.path("manager").asText();
    agent("boss", manager);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodeListed("boss"));
    assertThat(Http.get(api + "/v1/nodes/boss").json().path("role").asText()).isEqualTo("manager");

    String forged = worker.substring(0, worker.length() - 3) + (worker.endsWith("aaa") ? "bbb" : "aaa");
    NodeAgent bad = agent("forger", forged);
    assertThat(bad.refused().get(30, TimeUnit.SECONDS)).contains("the join token is invalid or was rotated");
    assertThat(nodeListed("forger")).isFalse();

    Http.Response rotated = Http.call("POST", api + "/v1/swarm/join-tokens/rotate?role=worker", null);
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    String newWorker = rotated.json().path("worker").asText();
    assertThat(newWorker).isNotEqualTo(worker);
    assertThat(rotated.json().path("manager").asText()).isEqualTo(manager);

    NodeAgent late = agent("late", worker);
    assertThat(late.refused().get(30, TimeUnit.SECONDS)).contains("invalid or was rotated");
    agent("fresh", newWorker);
    await().atMost(Duration.ofSeconds(30)).until(() -> nodeListed("fresh"));
    assertThat(good.refused()).isNotDone();
    assertThat(Http.get(api + "/v1/nodes/good").json().path("status").asText()).isEqualTo("ready");
    assertThat(Http.get(api + "/v1/events?type=node.join-refused").json().size()).isEqualTo(2);
  }

  @Test
  void aMalformedTokenIsRefusedBeforeConnecting() {
    assertThatThrownBy(() -> agent("typo", "SWMTKN-1-nope")).hasMessageContaining("join token is malformed");
  }
}
