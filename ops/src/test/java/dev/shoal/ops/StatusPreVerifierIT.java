package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.NodeSignatures;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator checks task statuses' signatures on a thread of its own ahead of the decision, and
 * the decision's own checks meet those (one check answered from the other): with an agent running
 * real processes, statuses are checked ahead, checks are answered from memory, and the tasks run.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StatusPreVerifierIT {
  private static LocalCluster cluster;

  @BeforeAll
  static void start(KafkaTestCluster kafka, @TempDir Path dir) throws Exception {
    cluster = new LocalCluster(kafka.bootstrapServers(), kafka.uniquePrefix(), dir, 1, RuntimeChoice.PROCESS);
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(cluster.api() + "/v1/nodes").json().size() == 1);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void statusesAreCheckedAheadAndTheDecisionsChecksMeetThem() {
    long rememberedBefore = NodeSignatures.rememberedChecks();
    String spec = "{\"name\":\"pre-verified\",\"replicas\":3,\"command\":[\"sleep\",\"600\"]}";
    assertThat(Http.call("POST", cluster.api() + "/v1/services", spec).status()).isEqualTo(201);
    int replicas = 3;
    awaitRunning(replicas);
    // The pre-verifier checks only what the decision has not read yet (it is paced to the decision's
    // position), and a batch that lands while both wait for it goes to whichever thread runs first: on
    // a busy machine the decision may take a few batches itself. So more tasks are started (each a
    // batch or more to check) until one batch was checked ahead and the decision's check of it was
    // answered from memory; a pre-verifier that checks nothing ahead fails this after the rounds.
    for (int round = 0; round < 8 && !checkedAheadAndMet(rememberedBefore); round++) {
      replicas += 2;
      assertThat(Http.call("POST", cluster.api() + "/v1/services/pre-verified/scale",
          "{\"replicas\":" + replicas + "}").status()).isEqualTo(200);
      awaitRunning(replicas);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(cluster.orchestrator.statusesCheckedAhead()).isGreaterThanOrEqualTo(1);
      assertThat(NodeSignatures.rememberedChecks() - rememberedBefore).isGreaterThanOrEqualTo(1);
    });
  }

  private static boolean checkedAheadAndMet(long rememberedBefore) {
    return cluster.orchestrator.statusesCheckedAhead() >= 1 && NodeSignatures.rememberedChecks() - rememberedBefore >= 1;
  }

  private static void awaitRunning(int replicas) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      int running = 0;
      for (var t : Http.get(cluster.api() + "/v1/tasks?service=pre-verified").json()) {
        if ("running".equals(t.path("status").path("state").asText())) {
          running++;
        }
      }
      return running == replicas;
    });
  }
}
