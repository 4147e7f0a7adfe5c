package dev.shoal.ops;

import static dev.shoal.ops.stack.SleeperSpecs.marker;
import static dev.shoal.ops.stack.SleeperSpecs.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.ShoalProcess;
import dev.shoal.ops.stack.TaskProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling update survives the loss of the orchestrator (issue 5): Kafka, two orchestrator
 * instances (one standby), the gateway and three agents run as separate JVMs; the active
 * orchestrator is SIGKILLed while the second group of an update is being replaced, and the standby
 * must finish the update from where it was — no group redone, one task per slot.
 */
class UpdateFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration POLL = Duration.ofMillis(50);
  private static ProcessStack stack;
  private static ApiClient api;

  @RegisterExtension
  static final StackLogsOnFailure LOGS_ON_FAILURE = new StackLogsOnFailure(() -> stack);

  @BeforeAll
  static void startCluster(@TempDir Path dir) {
    stack = ProcessStack.builder(dir).sessionTimeout(Duration.ofSeconds(6)).standbyReplicas(1)
        .progress(System.out).build();
    try {
      stack.start(2, 3);
    } catch (RuntimeException e) {
      System.out.println(stack.logs(150));
      throw e;
    }
    api = stack.api();
  }

  @AfterAll
  static void stopCluster() {
    if (stack != null) {
      stack.close();
    }
  }

  /** Sleepers whose revision is an environment variable: a new revision is a new task template. */
  private static String spec(int revision) {
    ObjectNode spec = sleeper(stack, "roll", 6);
    spec.putObject("env").put("REVISION", String.valueOf(revision));
    spec.putObject("updateConfig").put("parallelism", 2).put("delay", "1s").put("monitor", "2s");
    return spec.toString();
  }

  private static List<JsonNode> tasksOfVersion(long version) {
    List<JsonNode> out = new ArrayList<>();
    api.json("/v1/tasks?service=roll").forEach(t -> {
      if (t.path("specVersion").asLong() == version) {
        out.add(t);
      }
    });
    return out;
  }

  /** New tasks by the decision that created them: one entry per group. */
  private static TreeMap<Long, List<JsonNode>> groups(long version) {
    return tasksOfVersion(version).stream().collect(Collectors.groupingBy(t -> t.path("createdAt").asLong(),
        TreeMap::new, Collectors.toList()));
  }

  private static String updateState() {
    return api.json("/v1/services/roll").path("updateStatus").path("state").asText();
  }

  @Test
  void killingTheActiveOrchestratorDuringTheSecondGroupStillCompletesTheUpdate() {
    ApiClient.Response created = api.call("POST", "/v1/services", spec(1));
    assertThat(created.status()).as(created.body()).isIn(201, 202);
    await().atMost(WAIT).until(() -> api.running("roll").size() == 6
        && TaskProcesses.withArgument(marker(stack, "roll")).size() == 6);
    await().atMost(WAIT).until(() -> stack.activeOrchestrator().isPresent());
    ShoalProcess active = stack.activeOrchestrator().orElseThrow();
    ShoalProcess standby = stack.orchestrators().stream().filter(o -> o != active).findFirst().orElseThrow();

    long version = api.json("/v1/services/roll").path("version").asLong();
    ApiClient.Response updated = api.call("PUT", "/v1/services/roll?version=" + version, spec(2));
    assertThat(updated.status()).as(updated.body()).isIn(200, 202);
    // Versions come from one cluster-wide index: the update's is whatever the service reads now.
    await().atMost(WAIT).until(() -> api.json("/v1/services/roll").path("version").asLong() > version);
    long newVersion = api.json("/v1/services/roll").path("version").asLong();
    long put = System.currentTimeMillis();

    // The second group is under way once a second creation time shows among the new tasks.
    await().atMost(WAIT).pollInterval(POLL).until(() -> groups(newVersion).size() >= 2);
    TreeMap<Long, List<JsonNode>> before = groups(newVersion);
    assertThat(before).hasSize(2);
    Set<String> firstGroup = before.firstEntry().getValue().stream().map(t -> t.path("id").asText())
        .collect(Collectors.toSet());
    long killedAt = System.currentTimeMillis();
    active.kill();

    await().atMost(WAIT).pollInterval(POLL).until(() -> "completed".equals(updateState()));
    long completedAt = System.currentTimeMillis();
    await().atMost(WAIT).until(() -> api.running("roll").size() == 6
        && api.running("roll").stream().allMatch(t -> t.path("specVersion").asLong() == newVersion));

    // Three groups of two, one new task per slot: nothing was redone after the takeover.
    TreeMap<Long, List<JsonNode>> after = groups(newVersion);
    assertThat(after.values()).extracting(List::size).containsExactly(2, 2, 2);
    assertThat(tasksOfVersion(newVersion)).extracting(t -> t.path("slot").asInt())
        .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    assertThat(api.running("roll")).extracting(t -> t.path("id").asText()).containsAll(firstGroup);
    Map<Integer, Integer> perSlot = TaskProcesses.perSlot(marker(stack, "roll"));
    assertThat(perSlot).hasSize(6).allSatisfy((slot, count) -> assertThat(count).isEqualTo(1));
    assertThat(stack.activeOrchestrator()).contains(standby);

    List<Long> starts = List.copyOf(after.keySet());
    System.out.printf("UpdateFailoverIT: orchestrator killed %d ms after the PUT, during group 2; group 3 created"
            + " %d ms after the kill; update completed %d ms after the PUT (minimum without a failover: 3 × 2 s"
            + " monitor + 2 × 1 s delay = 8000 ms)%n", killedAt - put, starts.get(2) - killedAt, completedAt - put);
  }
}
