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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
 * Failure handling with every component a separate JVM started from the launcher jar: Kafka, two
 * orchestrator instances (one standby), the gateway and three agents, all on 127.0.0.1. Processes
 * are killed with SIGKILL; the checks read the REST API and, for what actually runs, the task
 * processes on this machine (found by markers in their argv). Component logs are printed when a
 * test fails.
 *
 * <p>One cluster serves every test, and the tests run in random order: each one makes and removes
 * its own services and looks only at them, and before each one the cluster is made whole again
 * (every agent and orchestrator running, every node ready and active), whatever the one before did.
 */
@TestMethodOrder(MethodOrderer.Random.class)
class MultiProcessClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> HOSTS = List.of("node-1", "node-2", "node-3");
  private static ProcessStack stack;
  private static ApiClient api;
  /** Services the running test created, removed after it. */
  private final List<String> services = new ArrayList<>();

  @RegisterExtension
  static final StackLogsOnFailure LOGS_ON_FAILURE = new StackLogsOnFailure(() -> stack);

  @BeforeAll
  static void startCluster(@TempDir Path dir) {
    stack = ProcessStack.builder(dir).sessionTimeout(Duration.ofSeconds(6)).standbyReplicas(1)
        .progress(System.out).build();
    try {
      stack.start(2, HOSTS.size());
    } catch (RuntimeException e) {
      System.out.println(stack.logs(150));
      throw e;
    }
    api = stack.api();
  }

  /** Undoes what an earlier test may have left: a killed agent or orchestrator, a drained node. */
  @BeforeEach
  void wholeCluster() {
    everyAgentRunning();
    for (ShoalProcess o : stack.orchestrators()) {
      if (!o.isAlive()) {
        stack.startOrchestrator(o.name());
      }
    }
    stack.awaitReady(HOSTS);
    for (String host : HOSTS) {
      if (!api.node(host).path("availability").asText().equals("active")) {
        ApiClient.Response r = api.call("PATCH", "/v1/nodes/" + host, "{\"availability\":\"active\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
    }
    await().atMost(WAIT).until(() -> HOSTS.stream().allMatch(h -> api.node(h).path("availability").asText().equals("active")));
  }

  private static void everyAgentRunning() {
    stack.restartDeadAgents(HOSTS);
  }

  /** Agents first: a test that failed with an agent down would leave that agent's copies running. */
  @AfterEach
  void removeServices() {
    everyAgentRunning();
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

  private void create(String service, int replicas) {
    services.add(service);
    ApiClient.Response r = api.call("POST", "/v1/services", sleeper(stack, service, replicas).toString());
    assertThat(r.status()).as(r.body()).isIn(201, 202);
  }

  private static String nodeId(String hostname) {
    return api.node(hostname).path("id").asText();
  }

  private static List<Integer> slots(List<JsonNode> tasks) {
    return tasks.stream().map(t -> t.path("slot").asInt()).sorted().toList();
  }

  private static List<Integer> oneTo(int n) {
    return IntStream.rangeClosed(1, n).boxed().toList();
  }

  /**
   * DESIGN invariant 2 and its counterpart on the machine: exactly {@code n} tasks desired RUNNING,
   * in slots 1..n, all running, and exactly one process per slot.
   */
  private static boolean converged(String service, int n) {
    List<JsonNode> desired = api.desiredRunning(service);
    Map<Integer, Integer> processes = TaskProcesses.perSlot(marker(stack, service));
    return desired.size() == n && slots(desired).equals(oneTo(n)) && desired.stream().allMatch(ApiClient::isRunning)
        && processes.keySet().equals(new java.util.TreeSet<>(oneTo(n))) && processes.values().stream().allMatch(c -> c == 1);
  }

  private static Map<String, Long> tasksPerNode(String service) {
    return api.running(service).stream()
        .collect(Collectors.groupingBy(t -> t.path("nodeId").asText(), TreeMap::new, Collectors.counting()));
  }

  private static String hostnameOf(String nodeId) {
    return api.nodes().stream().filter(n -> nodeId.equals(n.path("id").asText()))
        .map(n -> n.path("description").path("hostname").asText()).findFirst().orElseThrow();
  }

  @Test
  void aKilledAgentsTasksAreReplacedAndItsStaleCopiesStopWhenItComesBack() {
    create("web", 6);
    await().atMost(WAIT).until(() -> converged("web", 6));
    String victimId = tasksPerNode("web").keySet().iterator().next();
    String victim = hostnameOf(victimId);
    long onVictim = tasksPerNode("web").get(victimId);

    long killed = System.nanoTime();
    stack.agent(victim).kill();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> api.nodeIs(victim, "down"));
    Duration down = Duration.ofNanos(System.nanoTime() - killed);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<JsonNode> desired = api.desiredRunning("web");
      return desired.size() == 6 && slots(desired).equals(oneTo(6)) && desired.stream().allMatch(ApiClient::isRunning)
          && desired.stream().noneMatch(t -> victimId.equals(t.path("nodeId").asText()));
    });
    Duration replaced = Duration.ofNanos(System.nanoTime() - killed);
    System.out.printf("agent %s killed with %d tasks: down after %d ms, replacements running after %d ms%n",
        victim, onVictim, down.toMillis(), replaced.toMillis());
    // Nobody was left to stop the dead agent's processes: for now their slots run twice.
    assertThat(TaskProcesses.onNode(marker(stack, "web"), victimId)).isEqualTo(onVictim);
    assertThat(TaskProcesses.withArgument(marker(stack, "web"))).hasSize(6 + (int) onVictim);

    stack.startAgent(victim);
    await().atMost(WAIT).until(() -> api.nodeIs(victim, "ready"));
    await().atMost(WAIT).until(() -> converged("web", 6) && TaskProcesses.onNode(marker(stack, "web"), victimId) == 0);
    // The returning agent reported what it stopped; the orchestrator's view agrees with the machine.
    await().atMost(WAIT).until(() -> {
      List<JsonNode> old = new ArrayList<>();
      api.json("/v1/tasks?service=web&node=" + victimId).forEach(old::add);
      return old.size() == onVictim && old.stream().allMatch(t -> t.path("status").path("state").asText().equals("shutdown")
          && !t.path("desiredState").asText().equals("running"));
    });
  }

  @Test
  void drainingANodeMovesEveryTaskOffIt() {
    create("api", 4);
    create("worker", 3);
    await().atMost(WAIT).until(() -> converged("api", 4) && converged("worker", 3));
    String drainedId = tasksPerNode("api").keySet().iterator().next();
    String drained = hostnameOf(drainedId);

    ApiClient.Response r = api.call("PATCH", "/v1/nodes/" + drained, "{\"availability\":\"drain\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    // Every service leaves the node, ours on the machine too; the node itself stays ready.
    await().atMost(WAIT).until(() -> converged("api", 4) && converged("worker", 3)
        && !tasksPerNode("api").containsKey(drainedId) && !tasksPerNode("worker").containsKey(drainedId)
        && api.json("/v1/tasks?node=" + drainedId + "&desired-state=running").isEmpty()
        && TaskProcesses.onNode(marker(stack, "api"), drainedId) == 0
        && TaskProcesses.onNode(marker(stack, "worker"), drainedId) == 0);
    assertThat(api.node(drained).path("status").asText()).isEqualTo("ready");
  }

  @Test
  void aTaskThatKeepsFailingIsRestartedMaxAttemptsTimesAndThenLeftFailed() {
    services.add("crash");
    String spec = "{\"name\":\"crash\",\"command\":[\"sh\",\"-c\",\"exit 1\",\"" + stack.marker() + "\",\""
        + marker(stack, "crash") + "\"],"
        + "\"replicas\":1,\"restartPolicy\":{\"condition\":\"on-failure\",\"delay\":\"0s\",\"maxAttempts\":3}}";
    ApiClient.Response r = api.call("POST", "/v1/services", spec);
    assertThat(r.status()).as(r.body()).isIn(201, 202);

    await().atMost(WAIT).until(() -> {
      JsonNode tasks = api.json("/v1/tasks?service=crash");
      List<JsonNode> all = new ArrayList<>();
      tasks.forEach(all::add);
      return all.size() == 4 && all.stream().allMatch(t -> t.path("status").path("state").asText().equals("failed"));
    });
    // And it stays that way: no fifth task.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> api.json("/v1/tasks?service=crash").size() == 4);
    for (JsonNode t : api.json("/v1/tasks?service=crash")) {
      assertThat(t.path("slot").asInt()).isEqualTo(1);
      assertThat(t.path("status").path("message").asText()).isEqualTo("task exited with code 1");
    }
    await().atMost(WAIT).until(() -> {
      for (JsonNode e : api.json("/v1/events?type=task.not-restarted")) {
        if (e.path("message").asText().contains("restart attempts exhausted (3 of 3)")) {
          return true;
        }
      }
      return false;
    });
  }

  @Test
  void killingTheActiveOrchestratorLosesNoSpecAndDuplicatesNoTask() {
    create("steady", 4);
    create("scaled", 4);
    await().atMost(WAIT).until(() -> converged("steady", 4) && converged("scaled", 4));
    await().atMost(WAIT).until(() -> stack.activeOrchestrator().isPresent());
    ShoalProcess active = stack.activeOrchestrator().orElseThrow();
    ShoalProcess standby = stack.orchestrators().stream().filter(o -> o != active).findFirst().orElseThrow();
    long scaledVersion = api.json("/v1/services/scaled").path("version").asLong();

    active.kill();
    // Both changes are published while no instance owns the control task; the gateway may answer
    // 202 (published, effect not seen yet) rather than 200/201.
    ApiClient.Response scaled = api.call("POST", "/v1/services/scaled/scale", "{\"replicas\":8}");
    assertThat(scaled.status()).as(scaled.body()).isIn(200, 202);
    create("after", 2);

    await().atMost(Duration.ofSeconds(90)).until(() -> converged("scaled", 8) && converged("after", 2));
    assertThat(stack.activeOrchestrator()).isEqualTo(Optional.of(standby));
    assertThat(api.json("/v1/services/scaled").path("version").asLong()).isGreaterThan(scaledVersion);
    List<String> names = new ArrayList<>();
    api.json("/v1/services").forEach(s -> names.add(s.path("name").asText()));
    assertThat(names).contains("steady", "scaled", "after");
    // Still exactly one task per slot a while later: the new owner did not replay decisions twice.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> converged("scaled", 8) && converged("after", 2) && converged("steady", 4));
  }
}
