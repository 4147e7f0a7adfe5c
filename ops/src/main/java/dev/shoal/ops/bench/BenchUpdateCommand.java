package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.Poll;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.io.PrintStream;
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
 * {@code shoal bench update}: how long a rolling update takes against the minimum its config
 * allows. Runs a whole cluster in this JVM (embedded broker, orchestrator, gateway, agents with the
 * process runtime), creates a service of small Python HTTP servers, then changes their command and
 * measures, from the {@code PUT}, when the API shows {@code updateStatus.state == completed} and
 * when all new tasks run. The minimum is {@code groups × monitor + (groups − 1) × delay}: every
 * group is watched for the monitor window after it runs, and the delay separates groups. What is
 * above it is the cost of each group's round trip (decision, assignment, process start, status
 * report) and of the timers that end monitor windows and delays; after each update a table says
 * where each group's time went, hop by hop ({@link UpdateHops}). One unmeasured update first
 * ({@code --warmup}) warms the JIT, as a production orchestrator is warm.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = "Measure a rolling update: time from the PUT to updateStatus completed and to all new tasks"
        + " running, against the theoretical minimum groups × monitor + (groups - 1) × delay.")
public final class BenchUpdateCommand implements Callable<Integer> {
  private static final String SERVICE = "bench";
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
  /** A tiny HTTP server on $PORT; the argument after the script only marks the revision. */
  private static final String SERVER = "import http.server,os; http.server.ThreadingHTTPServer(('127.0.0.1',"
      + " int(os.environ['PORT'])), http.server.SimpleHTTPRequestHandler).serve_forever()";

  @Option(names = "--replicas", defaultValue = "20", description = "Replicas of the service (default ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--parallelism", defaultValue = "2", description = "Tasks updated at once, 0 = all (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--delay", defaultValue = "0s", converter = dev.shoal.ops.Converters.DurationText.class, description = "Delay between groups (default ${DEFAULT-VALUE}).")
  String delay;

  @Option(names = "--monitor", defaultValue = "1s", converter = dev.shoal.ops.Converters.DurationText.class, description = "Monitor window after a new task runs (default ${DEFAULT-VALUE}).")
  String monitor;

  @Option(names = "--order", defaultValue = "stop-first", description = "stop-first or start-first (default ${DEFAULT-VALUE}).")
  String order;

  @Option(names = "--runs", defaultValue = "1", description = "Updates to measure one after the other (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup", defaultValue = "1", description = "Updates run first and not measured, so the"
      + " figures are of a warm orchestrator and agents, as in production (default ${DEFAULT-VALUE}; 0: the first"
      + " measured run pays for the JIT).")
  int warmup;

  @Option(names = "--agents", defaultValue = "3", description = "Node agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--node-down-timeout", defaultValue = "3s", converter = dev.shoal.ops.Converters.DurationText.class, description = "Silence after which the orchestrator"
      + " declares a node down (default ${DEFAULT-VALUE}, as shoal dev).")
  String nodeDownTimeout;

  @Option(names = "--timeout", defaultValue = "10m", converter = dev.shoal.ops.Converters.DurationText.class, description = "Give up on one update after this long (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--verbose", description = "Keep the components' INFO log lines (default: warnings only).")
  boolean verbose;

  @Option(names = "--work-dir", description = "Where Kafka, the orchestrator and the agents keep data (default: a"
      + " temporary directory, deleted afterwards).")
  Path workDir;

  private final PrintStream out = System.out;

  /** One measured update; times in milliseconds from the PUT as a client polling every 50 ms saw them. */
  record Run(int number, long toCompleted, long toAllNewRunning, long orchestratorTotal, int groups,
             List<Long> startLatencies, long nodesDown) {}

  @Override
  public Integer call() throws Exception {
    if (replicas < 1 || parallelism < 0 || runs < 1 || agents < 1 || warmup < 0) {
      throw new dev.shoal.ops.UsageException("--replicas, --runs and --agents must be 1 or more, --parallelism and"
          + " --warmup 0 or more");
    }
    if (!order.equals("stop-first") && !order.equals("start-first")) {
      throw new dev.shoal.ops.UsageException("--order must be stop-first or start-first, got " + order);
    }
    if (!verbose) {
      // Before any component creates its logger: slf4j-simple reads its levels once, and system
      // properties win over simplelogger.properties. Agents log every task they start and stop.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Duration monitorWindow = Durations.parse(monitor);
    Duration delayBetween = Durations.parse(delay);
    Duration giveUp = Durations.parse(timeout);
    Path dir = workDir != null ? workDir : Files.createTempDirectory("shoal-bench-update-");
    List<Run> results = new ArrayList<>();
    try (InJvmCluster cluster = InJvmCluster.start(dir, agents, Durations.parse(nodeDownTimeout), out)) {
      ApiClient api = cluster.api();
      Poll.until(agents + " agents to be ready", Duration.ofSeconds(120), () -> api.nodes().stream()
          .filter(n -> "ready".equals(n.path("status").asText())).count() == agents);

      long createdAt = System.nanoTime();
      ApiClient.Response created = api.call("POST", "/v1/services", spec(1).toString());
      if (!created.ok()) {
        throw new IllegalStateException("could not create the service: " + created.status() + " " + created.body());
      }
      long[] lastProgress = {createdAt};
      Poll.until(replicas + " tasks to run", giveUp, POLL, () -> {
        int running = api.running(SERVICE).size();
        if (System.nanoTime() - lastProgress[0] >= PROGRESS_EVERY.toNanos()) {
          out.printf(Locale.ROOT, "[bench] +%5.2f s  %d/%d tasks running%n", seconds(System.nanoTime() - createdAt),
              running, replicas);
          lastProgress[0] = System.nanoTime();
        }
        return running == replicas;
      });
      out.printf(Locale.ROOT, "[bench] %d replicas running %.2f s after the POST%n", replicas, seconds(System.nanoTime() - createdAt));

      // Warm-up updates take revisions 2.. like measured ones; their figures are printed, not summarised.
      for (int run = 1; run <= warmup + runs; run++) {
        try (UpdateHops hops = UpdateHops.start(cluster.bootstrapServers())) {
          boolean measured = run > warmup;
          Run r = update(api, measured ? run - warmup : run, measured ? "run" : "warm-up", run + 1, giveUp, hops,
              monitorWindow, delayBetween);
          if (measured) {
            results.add(r);
          }
        }
      }
      api.call("DELETE", "/v1/services/" + SERVICE, null);
      Poll.until("the service's tasks to stop", Duration.ofSeconds(60), () -> api.desiredRunning(SERVICE).isEmpty());
    } finally {
      if (workDir == null) {
        WorkDirs.delete(dir);
      }
    }
    summary(results, monitorWindow, delayBetween);
    return 0;
  }

  /** Changes the command (revision run + 1) and follows the update to its end. */
  private Run update(ApiClient api, int run, String label, int revision, Duration giveUp, UpdateHops hops,
                     Duration monitorWindow, Duration delayBetween) {
    long version = api.json("/v1/services/" + SERVICE).path("version").asLong();
    out.printf("[bench] %s %d: updating %d replicas (parallelism %d, delay %s, monitor %s, %s)%n",
        label, run, replicas, parallelism, delay, monitor, order);
    long putWallClock = System.currentTimeMillis();
    long put = System.nanoTime();
    ApiClient.Response r = api.call("PUT", "/v1/services/" + SERVICE + "?version=" + version, spec(revision).toString());
    if (!r.ok()) {
      throw new IllegalStateException("update refused: " + r.status() + " " + r.body());
    }
    long newVersion = r.json().path("version").asLong();
    long toCompleted = -1;
    long toAllNew = -1;
    long lastProgress = 0;
    String lastLine = "";
    while (toCompleted < 0 || toAllNew < 0) {
      long elapsed = System.nanoTime() - put;
      if (elapsed > giveUp.toNanos()) {
        throw new IllegalStateException("the update did not finish within " + timeout);
      }
      String state = api.json("/v1/services/" + SERVICE).path("updateStatus").path("state").asText();
      List<JsonNode> running = api.running(SERVICE);
      long fresh = running.stream().filter(t -> t.path("specVersion").asLong() == newVersion).count();
      if (toCompleted < 0 && "completed".equals(state)) {
        toCompleted = elapsed;
      }
      if (toAllNew < 0 && fresh == replicas) {
        toAllNew = elapsed;
      }
      if (!state.equals("updating") && !state.equals("completed")) {
        throw new IllegalStateException("the update ended " + state + ": "
            + api.json("/v1/services/" + SERVICE).path("updateStatus").path("message").asText());
      }
      String line = String.format(Locale.ROOT, "%s: %d/%d new tasks running, %d old", state, fresh, replicas,
          running.size() - fresh);
      if (elapsed - lastProgress >= PROGRESS_EVERY.toNanos() || (!line.equals(lastLine) && toCompleted >= 0)) {
        out.printf(Locale.ROOT, "[bench] %s %d +%5.2f s  %s%n", label, run, seconds(elapsed), line);
        lastProgress = elapsed;
        lastLine = line;
      }
      pause(POLL);
    }

    JsonNode status = api.json("/v1/services/" + SERVICE).path("updateStatus");
    long orchestratorTotal = status.path("completedAt").asLong() - status.path("startedAt").asLong();
    // Tasks of one group are created by one decision and so share createdAt. A running task's
    // updatedAt is the decision that saw it RUNNING (nothing changes it afterwards), so
    // updatedAt − createdAt is the group's round trip through the agents.
    TreeMap<Long, List<JsonNode>> groups = new TreeMap<>();
    for (JsonNode t : api.json("/v1/tasks?service=" + SERVICE)) {
      if (t.path("specVersion").asLong() == newVersion) {
        groups.computeIfAbsent(t.path("createdAt").asLong(), k -> new ArrayList<>()).add(t);
      }
    }
    out.println(hops.table(new ArrayList<>(groups.values()), monitorWindow.toMillis(), delayBetween.toMillis()));
    List<Long> latencies = new ArrayList<>();
    for (Map.Entry<Long, List<JsonNode>> g : groups.entrySet()) {
      latencies.add(g.getValue().stream().mapToLong(t -> t.path("updatedAt").asLong()).max().orElse(g.getKey()) - g.getKey());
    }
    // A node declared down mid-update moves its tasks and stretches the figure: say so. (On a busy
    // machine the 3 s liveness timeout can expire although every agent is alive.)
    long nodesDown = 0;
    for (JsonNode e : api.json("/v1/events?type=node.down&since=" + putWallClock)) {
      nodesDown++;
      out.println("[bench] " + label + " " + run + ": during the update, " + e.path("message").asText());
    }
    Run result = new Run(run, millis(toCompleted), millis(toAllNew), orchestratorTotal, groups.size(), latencies,
        nodesDown);
    out.printf(Locale.ROOT, "[bench] %s %d: completed after %.2f s (orchestrator %.2f s), all %d new tasks running"
            + " after %.2f s, %d groups%n", label, run, result.toCompleted() / 1000.0, orchestratorTotal / 1000.0, replicas, result.toAllNewRunning() / 1000.0, groups.size());
    return result;
  }

  private void summary(List<Run> results, Duration monitorWindow, Duration delayBetween) {
    int groups = parallelism == 0 ? 1 : (replicas + parallelism - 1) / parallelism;
    long minimum = groups * monitorWindow.toMillis() + (groups - 1) * delayBetween.toMillis();
    out.println();
    out.printf(Locale.ROOT, "Rolling update of %d replicas: parallelism %d, delay %s, monitor %s, order %s, %d agents,"
        + " node-down timeout %s%n", replicas, parallelism, delay, monitor, order, agents, nodeDownTimeout);
    out.printf(Locale.ROOT, "  %d warm-up update%s before the measured runs (--warmup)%n", warmup, warmup == 1 ? "" : "s");
    out.printf(Locale.ROOT, "  theoretical minimum     %7.2f s  (%d groups × %s monitor + %d × %s delay)%n",
        minimum / 1000.0, groups, monitor, groups - 1, delay);
    out.println("  run  PUT→completed  ratio  PUT→all new running  orchestrator (startedAt→completedAt)  ratio"
        + "  groups  group start latency mean/max");
    for (Run r : results) {
      out.printf(Locale.ROOT, "  %3d  %11.2f s  %5.2f  %17.2f s  %34.2f s  %5.2f  %6d  %d / %d ms%n", r.number(),
          r.toCompleted() / 1000.0, ratio(r.toCompleted(), minimum), r.toAllNewRunning() / 1000.0,
          r.orchestratorTotal() / 1000.0, ratio(r.orchestratorTotal(), minimum), r.groups(),
          Math.round(r.startLatencies().stream().mapToLong(Long::longValue).average().orElse(0)),
          r.startLatencies().stream().mapToLong(Long::longValue).max().orElse(0));
      if (r.nodesDown() > 0) {
        out.printf("  (run %d: %d node-down events during the update; the figure is disturbed)%n", r.number(), r.nodesDown());
      }
      if (r.groups() != groups) {
        out.printf("  (run %d: %d groups seen, %d expected)%n", r.number(), r.groups(), groups);
      }
    }
    if (results.size() > 1) {
      List<Long> sorted = results.stream().map(Run::toCompleted).sorted(Comparator.naturalOrder()).toList();
      out.printf(Locale.ROOT, "  PUT→completed over %d runs: min %.2f s, median %.2f s, max %.2f s%n", sorted.size(),
          sorted.get(0) / 1000.0, sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
    }
    double overhead = results.stream().mapToLong(r -> r.toCompleted() - minimum).average().orElse(0) / groups;
    out.printf(Locale.ROOT, "  above the minimum: %.0f ms per group on average%n", overhead);
  }

  private ObjectNode spec(int revision) {
    ObjectNode spec = Json.MAPPER.createObjectNode();
    spec.put("name", SERVICE);
    spec.putArray("command").add("python3").add("-c").add(SERVER).add("shoal-bench-revision-" + revision);
    spec.put("replicas", replicas);
    spec.putArray("ports").addObject().put("target", 8000);
    spec.put("stopGracePeriod", "2s");
    ObjectNode cfg = spec.putObject("updateConfig");
    cfg.put("parallelism", parallelism);
    cfg.put("delay", delay);
    cfg.put("monitor", monitor);
    cfg.put("order", order);
    cfg.put("failureAction", "pause");
    return spec;
  }

  private static double ratio(long value, long minimum) {
    return minimum == 0 ? Double.NaN : value / (double) minimum;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
