package dev.shoal.ops;

import static dev.shoal.ops.stack.SleeperSpecs.marker;
import static dev.shoal.ops.stack.SleeperSpecs.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.ShoalProcess;
import dev.shoal.ops.stack.TaskProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sick control plane must not cost the tasks of healthy nodes, and a gateway that dies mid-write
 * must not cost or double a change. Every component is a separate JVM from the launcher: Kafka, one
 * orchestrator, two gateways and three agents on 127.0.0.1. Freezing is SIGSTOP/SIGCONT, crashing
 * SIGKILL. What runs is checked on the machine (the task processes' pids), not only in the API.
 *
 * <p>The node-down timeout is 3 s and the agents' fencing timeout 12 s: a freeze of 6 s is twice the
 * down timeout, short enough that the agents must not fence, so any task that changes was replaced
 * by a wrong decision.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class ControlPlaneFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration FREEZE = DOWN_TIMEOUT.multipliedBy(2);
  /** After a thaw, how long nothing may change: liveness decides within a timeout and a check. */
  private static final Duration SETTLE = DOWN_TIMEOUT.multipliedBy(3);
  private static final List<String> HOSTS = List.of("node-1", "node-2", "node-3");
  private static ProcessStack stack;
  private static ApiClient api;
  private final List<String> services = new ArrayList<>();

  @RegisterExtension
  static final StackLogsOnFailure LOGS_ON_FAILURE = new StackLogsOnFailure(() -> stack);

  @BeforeAll
  static void startCluster(@TempDir Path dir) {
    stack = ProcessStack.builder(dir).nodeDownTimeout(DOWN_TIMEOUT).fencingTimeout(Duration.ofSeconds(12))
        .standbyReplicas(0).progress(System.out).build();
    try {
      stack.start(1, HOSTS.size());
    } catch (RuntimeException e) {
      System.out.println(stack.logs(150));
      throw e;
    }
    api = stack.api();
  }

  /** Whatever a test before did: every process running (and none frozen), every node ready. */
  @BeforeEach
  void wholeCluster() {
    stack.kafka().thaw();
    for (ShoalProcess o : stack.orchestrators()) {
      if (o.isAlive()) {
        o.thaw();
      } else {
        stack.startOrchestrator(o.name());
      }
    }
    stack.restartDeadAgents(HOSTS);
  }

  @AfterEach
  void removeServices() {
    wholeCluster();
    for (String service : services) {
      api.call("DELETE", "/v1/services/" + service, null);
    }
    await().atMost(WAIT).until(() -> services.stream().allMatch(s -> TaskProcesses.withArgument(marker(stack, s)).isEmpty()));
  }

  @AfterAll
  static void stopCluster() {
    if (stack != null) {
      stack.close();
    }
  }

  /** What must not change while the control plane is sick. */
  private record Picture(List<String> taskIds, List<Long> pids, int nodeDownEvents, List<String> readyNodes) {}

  private Picture picture(String service) {
    List<String> ids = api.desiredRunning(service).stream().map(t -> t.path("id").asText()).sorted().toList();
    List<Long> pids = TaskProcesses.withArgument(marker(stack, service)).stream().map(ProcessHandle::pid).sorted().toList();
    List<String> ready = HOSTS.stream().filter(h -> api.nodeIs(h, "ready")).toList();
    return new Picture(ids, pids, events("node.down").size(), ready);
  }

  private static List<JsonNode> events(String type) {
    List<JsonNode> out = new ArrayList<>();
    api.json("/v1/events?type=" + type).forEach(out::add);
    return out;
  }

  private void createConverged(String service, int replicas) {
    services.add(service);
    ApiClient.Response r = api.call("POST", "/v1/services", sleeper(stack, service, replicas).toString());
    assertThat(r.status()).as(r.body()).isIn(201, 202);
    await().atMost(WAIT).until(() -> {
      List<JsonNode> desired = api.desiredRunning(service);
      return desired.size() == replicas && desired.stream().allMatch(ApiClient::isRunning)
          && TaskProcesses.withArgument(marker(stack, service)).size() == replicas;
    });
  }

  /**
   * Holds {@code p} frozen for {@link #FREEZE}. The sleep is the fault being injected — how long the
   * process stays stopped — not a wait for something to happen.
   */
  private static long freezeFor(ShoalProcess p) throws InterruptedException {
    long start = System.nanoTime();
    p.freeze();
    try {
      Thread.sleep(FREEZE.toMillis());
    } finally {
      p.thaw();
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private void assertNothingReplacedFor(String service, Picture before) {
    assertThat(before.readyNodes()).isEqualTo(HOSTS);
    assertThat(before.pids()).hasSize(before.taskIds().size());
    await().during(SETTLE).atMost(SETTLE.plus(WAIT)).untilAsserted(() -> assertThat(picture(service)).isEqualTo(before));
  }

  @Test
  void freezingTheOrchestratorLongerThanTheDownTimeoutReplacesNoTask() throws InterruptedException {
    createConverged("steady", 6);
    Picture before = picture("steady");
    int stalls = events("liveness.stalled").size();

    long frozen = freezeFor(stack.orchestrators().iterator().next());

    // It noticed its own stall (the check timer fired late) rather than everyone's silence...
    await().atMost(WAIT).until(() -> events("liveness.stalled").size() > stalls);
    assertThat(events("liveness.stalled").get(stalls).path("message").asText())
        .startsWith("the liveness check ran");
    // ...and no node went down, no task was replaced, every process is the one that ran before.
    assertNothingReplacedFor("steady", before);
    System.out.printf("orchestrator frozen for %d ms (node-down timeout %d ms): no node down, %d tasks unchanged%n",
        frozen, DOWN_TIMEOUT.toMillis(), before.taskIds().size());
  }

  @Test
  void freezingTheBrokerLongerThanTheDownTimeoutReplacesNoTask() throws InterruptedException {
    createConverged("kept", 6);
    Picture before = picture("kept");

    long frozen = freezeFor(stack.kafka());

    assertNothingReplacedFor("kept", before);
    System.out.printf("broker frozen for %d ms (node-down timeout %d ms, fencing %d ms): no node down, %d tasks"
        + " unchanged; liveness.stalled events: %d%n", frozen, DOWN_TIMEOUT.toMillis(), 12_000,
        before.taskIds().size(), events("liveness.stalled").size());
  }

  @Test
  void aCreateRetriedOnAnotherGatewayAfterTheFirstDiedMidWriteIsAppliedOnce() throws Exception {
    services.add("once");
    ApiClient second = stack.startMoreGateway("gateway-b");
    ShoalProcess doomed = stack.gateway("gateway-b");
    String spec = sleeper(stack, "once", 2).toString();
    Map<String, String> key = Map.of("Idempotency-Key", "create-once");
    ShoalProcess orchestrator = stack.orchestrators().iterator().next();
    long specsBefore = specRecords();

    // With the orchestrator frozen the doomed gateway accepts the create, publishes it and waits for
    // the verdict: it dies between accepting and answering.
    orchestrator.freeze();
    CompletableFuture<HttpResponse<String>> first;
    try {
      first = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(second.base() + "/v1/services"))
          .header("Content-Type", "application/json").header("Idempotency-Key", key.get("Idempotency-Key"))
          .POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
      await().atMost(WAIT).until(() -> specRecords() == specsBefore + 1);
      doomed.kill();
    } finally {
      orchestrator.thaw();
    }
    assertThat(first).failsWithin(WAIT);

    // The client retries the same key on the other gateway: it learns the one outcome.
    ApiClient.Response retry = api.call("POST", "/v1/services", spec, key);
    assertThat(retry.status()).as(retry.body()).isEqualTo(201);
    long version = retry.json().path("version").asLong();
    ApiClient.Response again = api.call("POST", "/v1/services", spec, key);
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    assertThat(again.json().path("version").asLong()).isEqualTo(version);

    // Three records of the create reached the spec log; one change was applied.
    assertThat(specRecords()).isEqualTo(specsBefore + 3);
    assertThat(api.json("/v1/services/once").path("version").asLong()).isEqualTo(version);
    // The orchestrator decided all three and applied the first: the others repeat its outcome.
    await().atMost(WAIT).until(() -> createdOnce().size() == 3);
    List<JsonNode> outcomes = createdOnce();
    assertThat(outcomes).extracting(e -> e.path("attributes").path("requestId").asText()).containsOnly(
        outcomes.get(0).path("attributes").path("requestId").asText());
    assertThat(outcomes).extracting(e -> e.path("attributes").path("version").asLong()).containsOnly(version);
    assertThat(outcomes).extracting(e -> e.path("attributes").path("duplicate").asText("false"))
        .containsExactly("false", "true", "true");
    // The history, read from the logs, shows one version.
    List<JsonNode> history = new ArrayList<>();
    api.json("/v1/services/once/history").path("entries").forEach(history::add);
    assertThat(history).extracting(e -> e.path("version").asLong()).containsOnly(version);
    await().atMost(WAIT).until(() -> TaskProcesses.withArgument(marker(stack, "once")).size() == 2
        && api.desiredRunning("once").stream().allMatch(t -> t.path("specVersion").asLong() == version));
  }

  /** The outcome events of creates of "once", oldest first. */
  private static List<JsonNode> createdOnce() {
    return events("service.created").stream().filter(e -> e.path("message").asText().startsWith("service once created"))
        .toList();
  }

  /** Records in the spec log: every create a gateway published, applied or not. */
  private static long specRecords() throws Exception {
    try (Admin admin = Admin.create(stack.clientConfig("admin"))) {
      TopicPartition specs = new TopicPartition("shoal.specs", 0);
      return admin.listOffsets(Map.of(specs, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(specs).offset();
    }
  }
}
