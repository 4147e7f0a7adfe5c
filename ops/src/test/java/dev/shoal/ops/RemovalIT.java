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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing runs that the API does not show: a removed service's task whose process ignores SIGTERM
 * stays listed, desired "remove", for its whole stop grace period, and disappears once its agent
 * has killed it and reported it gone.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RemovalIT {
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

  private static long processesWith(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).count();
  }

  private static List<JsonNode> tasks(String service) {
    List<JsonNode> out = new ArrayList<>();
    Http.get(cluster.api() + "/v1/tasks?service=" + service).json().forEach(out::add);
    return out;
  }

  @Test
  void aRemovedServicesStubbornTaskStaysVisibleUntilItIsGone() {
    String marker = "shoal-removal-it-" + UUID.randomUUID();
    String spec = "{\"name\":\"stubborn\",\"command\":[\"sh\",\"-c\",\"trap '' TERM; while true; do sleep 0.2; done\",\""
        + marker + "\"],\"stopGracePeriod\":\"4s\"}";
    assertThat(Http.call("POST", cluster.api() + "/v1/services", spec).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> processesWith(marker) == 1
        && tasks("stubborn").stream().anyMatch(t -> t.path("status").path("state").asText().equals("running")));

    long removedAt = System.currentTimeMillis();
    assertThat(Http.call("DELETE", cluster.api() + "/v1/services/stubborn", null).status()).isEqualTo(204);
    assertThat(Http.get(cluster.api() + "/v1/services/stubborn").status()).isEqualTo(404);

    // The process ignores SIGTERM: for its grace period it runs, and the API shows its task.
    await().atMost(Duration.ofSeconds(5)).until(() -> tasks("stubborn").stream()
        .anyMatch(t -> t.path("desiredState").asText().equals("remove")));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> processesWith(marker) == 0 || !tasks("stubborn").isEmpty());
    assertThat(processesWith(marker)).as("still within its grace period").isEqualTo(1);
    assertThat(tasks("stubborn")).singleElement()
        .satisfies(t -> assertThat(t.path("desiredState").asText()).isEqualTo("remove"));

    // Then it is killed, reported, and forgotten.
    await().atMost(Duration.ofSeconds(20)).until(() -> processesWith(marker) == 0 && tasks("stubborn").isEmpty());
    assertThat(System.currentTimeMillis() - removedAt).isGreaterThanOrEqualTo(4_000);
  }
}
