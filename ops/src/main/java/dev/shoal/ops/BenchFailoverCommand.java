package dev.shoal.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.Poll;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.ops.stack.SleeperSpecs;
import dev.shoal.ops.stack.TaskProcesses;
import dev.shoal.schemas.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench failover}: how long a service takes to be whole again after an agent dies.
 * Starts Kafka, an orchestrator, the gateway and the agents as separate processes, creates a
 * service, then repeatedly SIGKILLs an agent that runs some of its tasks and measures, from the
 * kill, when the API shows the node down and when all replicas run again elsewhere. Between runs the
 * killed agent is started again and its stale copies stopped, so every run starts from a whole
 * cluster. Times are as a client polling the API every 20 ms sees them.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Measure recovery after SIGKILL of an agent: time to node down and to all replicas running again.")
final class BenchFailoverCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Option(names = "--replicas", defaultValue = "6", description = "Replicas of the service (default ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--agents", defaultValue = "3", description = "Agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--repeats", defaultValue = "3", description = "Kills to measure (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--node-down-timeout", defaultValue = "3s", converter = Converters.DurationText.class, description = "The orchestrator's (default ${DEFAULT-VALUE}).")
  String downTimeout;

  @Option(names = "--heartbeat-interval", defaultValue = "1s", converter = Converters.DurationText.class, description = "The agents' (default ${DEFAULT-VALUE}).")
  String heartbeat;

  @Option(names = "--work-dir", description = "Where the processes keep data and logs (default: a temporary"
      + " directory, deleted afterwards).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    if (agents < 2 || replicas < 1 || repeats < 1) {
      throw new UsageException("need --agents >= 2, --replicas >= 1, --repeats >= 1");
    }
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("shoal-bench-") : workDir;
    System.out.printf(Locale.ROOT, "shoal bench failover: %d replicas over %d agents, %d kills; node-down-timeout %s,"
        + " heartbeat %s; %d cores%n", replicas, agents, repeats, downTimeout, heartbeat,
        Runtime.getRuntime().availableProcessors());
    List<long[]> results = new ArrayList<>();
    try (ProcessStack stack = ProcessStack.builder(dir).nodeDownTimeout(Durations.parse(downTimeout))
        .heartbeatInterval(Durations.parse(heartbeat)).standbyReplicas(0).progress(System.out).build()) {
      try {
        stack.start(1, agents);
        run(stack, results);
      } catch (RuntimeException e) {
        System.out.println(stack.logs(60));
        throw e;
      }
    } finally {
      if (temporary) {
        deleteQuietly(dir);
      }
    }
    summary(results);
    return 0;
  }

  private void run(ProcessStack stack, List<long[]> results) {
    ApiClient api = stack.api();
    String service = "bench";
    String marker = SleeperSpecs.marker(stack, service);
    ApiClient.Response created = api.call("POST", "/v1/services",
        SleeperSpecs.sleeper(stack, service, replicas).toString());
    if (!created.ok()) {
      throw new IllegalStateException("cannot create the service: " + created.status() + " " + created.body());
    }
    Poll.until(replicas + " replicas running", WAIT, () -> whole(api, service, null)
        && TaskProcesses.withArgument(marker).size() == replicas);
    for (int run = 1; run <= repeats; run++) {
      Map<String, Long> perNode = tasksPerNode(api, service);
      // The node with most tasks (ties: the first by id) — the kill that moves most.
      String victimId = perNode.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
          .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow().getKey();
      String victim = hostnameOf(api, victimId);
      long moved = perNode.get(victimId);

      long t0 = System.nanoTime();
      stack.agent(victim).kill();
      long down = -1;
      long whole = -1;
      long deadline = t0 + WAIT.toNanos();
      while ((down < 0 || whole < 0) && System.nanoTime() < deadline) {
        long now = System.nanoTime();
        if (down < 0 && api.nodeIs(victim, "down")) {
          down = now - t0;
        }
        if (whole < 0 && whole(api, service, victimId)) {
          whole = now - t0;
        }
        sleep(POLL);
      }
      if (down < 0 || whole < 0) {
        throw new IllegalStateException("run " + run + ": not recovered within " + WAIT.toSeconds() + " s");
      }
      results.add(new long[] {down, whole});
      System.out.printf(Locale.ROOT, "run %d: SIGKILL %s (%d tasks): node down after %.2f s, %d/%d replicas running"
          + " after %.2f s%n", run, victim, moved, down / 1e9, replicas, replicas, whole / 1e9);

      // Back to a whole cluster: the agent rejoins and stops its stale copies.
      stack.startAgent(victim);
      stack.awaitReady(List.of(victim));
      Poll.until(victim + "'s stale tasks to stop", WAIT, () -> TaskProcesses.onNode(marker, victimId) == 0
          && TaskProcesses.withArgument(marker).size() == replicas);
    }
  }

  /** All replicas desired and observed RUNNING, one per slot, none on {@code excludedNode}. */
  private boolean whole(ApiClient api, String service, String excludedNode) {
    List<JsonNode> desired = api.desiredRunning(service);
    return desired.size() == replicas && desired.stream().allMatch(ApiClient::isRunning)
        && desired.stream().map(t -> t.path("slot").asInt()).distinct().count() == replicas
        && desired.stream().noneMatch(t -> t.path("nodeId").asText().equals(excludedNode));
  }

  private static Map<String, Long> tasksPerNode(ApiClient api, String service) {
    return api.running(service).stream()
        .collect(Collectors.groupingBy(t -> t.path("nodeId").asText(), TreeMap::new, Collectors.counting()));
  }

  private static String hostnameOf(ApiClient api, String nodeId) {
    return api.nodes().stream().filter(n -> nodeId.equals(n.path("id").asText()))
        .map(n -> n.path("description").path("hostname").asText()).findFirst().orElseThrow();
  }

  private static void summary(List<long[]> results) {
    System.out.println();
    System.out.printf(Locale.ROOT, "%-32s %8s %8s %8s%n", "from SIGKILL to (s)", "min", "median", "max");
    line("node down", results.stream().map(r -> r[0]).sorted().toList());
    line("all replicas running again", results.stream().map(r -> r[1]).sorted().toList());
  }

  private static void line(String what, List<Long> sorted) {
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    System.out.printf(Locale.ROOT, "%-32s %8.2f %8.2f %8.2f%n", what, sorted.get(0) / 1e9, median / 1e9,
        sorted.get(n - 1) / 1e9);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
