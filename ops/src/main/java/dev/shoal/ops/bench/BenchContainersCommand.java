package dev.shoal.ops.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.agent.runtime.ProcessRuntime;
import dev.shoal.agent.runtime.docker.DockerRuntime;
import dev.shoal.ops.UsageException;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.Poll;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench containers}: how long Shoal takes from a spec to N running containers, against
 * N {@code docker run -d} started at once on the same engine (the engine's own pace). Each round runs
 * both, in turns, and removes what it started; rounds alternate which goes first.
 */
@Command(name = "containers", mixinStandardHelpOptions = true,
    description = "Measure spec -> N running containers on the local Docker engine against N parallel `docker run -d`.")
public final class BenchContainersCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(20);
  private static final String RAW_LABEL = "dev.shoal.bench=containers-raw";

  @Option(names = "--replicas", defaultValue = "20", description = "Containers per round (default ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds, each timing both (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--image", defaultValue = "local/busybox:1", description = "A local image with `sleep`"
      + " (default ${DEFAULT-VALUE}, which scripts/build-test-image.sh builds without a registry).")
  String image;

  @Option(names = "--timeout", defaultValue = "2m", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "Give up on one start after this long (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--task-parallelism", paramLabel = "N", defaultValue = "8",
      description = "The agent's task starts at once (its --task-parallelism; default ${DEFAULT-VALUE}).")
  int taskParallelism;

  @Option(names = "--verbose", description = "Keep the components' INFO log lines (default: warnings only).")
  boolean verbose;

  private final PrintStream out = System.out;

  /** One round's wall times in nanoseconds; {@code shoalPlaced} is when every task had a node. */
  record Round(int number, long raw, long shoal, long shoalPlaced) {}

  @Override
  public Integer call() throws Exception {
    if (replicas < 1 || rounds < 1) {
      throw new UsageException("--replicas and --rounds must be 1 or more");
    }
    if (taskParallelism < 1 || taskParallelism > dev.shoal.agent.NodeAgentConfig.MAX_TASK_PARALLELISM) {
      throw new UsageException("--task-parallelism must be 1 to " + dev.shoal.agent.NodeAgentConfig.MAX_TASK_PARALLELISM
          + ", got " + taskParallelism);
    }
    if (!verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Duration giveUp = Durations.parse(timeout);
    Docker.check(image);
    Path dir = Files.createTempDirectory("shoal-bench-containers-");
    List<Round> results = new ArrayList<>();
    try (InJvmCluster cluster = InJvmCluster.start(dir, 1, Duration.ofSeconds(10), out,
        agentDir -> List.of(DockerRuntime.connect(), new ProcessRuntime(agentDir.resolve("process"))), taskParallelism)) {
      ApiClient api = cluster.api();
      Poll.until("the agent to be ready", Duration.ofSeconds(120), () -> api.nodes().stream()
          .anyMatch(n -> "ready".equals(n.path("status").asText())));
      // One unmeasured start warms both paths (the JIT, the engine's image layers in the page cache).
      out.println("[bench] warm-up round (not counted)");
      raw(0, giveUp);
      shoal(api, 0, giveUp);
      for (int round = 1; round <= rounds; round++) {
        long raw;
        long[] shoal;
        if (round % 2 == 1) {
          raw = raw(round, giveUp);
          shoal = shoal(api, round, giveUp);
        } else {
          shoal = shoal(api, round, giveUp);
          raw = raw(round, giveUp);
        }
        results.add(new Round(round, raw, shoal[1], shoal[0]));
        out.printf(Locale.ROOT, "[bench] round %d: docker run %.2f s, Shoal %.2f s (all placed after %.2f s): %.2f x%n",
            round, seconds(raw), seconds(shoal[1]), seconds(shoal[0]), shoal[1] / (double) raw);
      }
    } finally {
      Docker.removeLabelled(RAW_LABEL);
      WorkDirs.delete(dir);
    }
    summary(results);
    return 0;
  }

  /** Starts {@code replicas} containers with parallel {@code docker run -d}; returns the time until all returned. */
  private long raw(int round, Duration giveUp) throws Exception {
    List<Process> runs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 1; i <= replicas; i++) {
      runs.add(new ProcessBuilder("docker", "run", "-d", "--label", RAW_LABEL, "--name",
          "shoal-bench-raw-" + round + "-" + i, image, "sleep", "600").redirectErrorStream(true).start());
    }
    for (Process p : runs) {
      if (!p.waitFor(giveUp.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("docker run failed: " + new String(p.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8).trim());
      }
    }
    long took = System.nanoTime() - t0;
    int running = Docker.countRunning(RAW_LABEL);
    if (running != replicas) {
      throw new IllegalStateException(running + " of " + replicas + " raw containers run after docker run returned");
    }
    Docker.removeLabelled(RAW_LABEL);
    return took;
  }

  /** Creates a service of {@code replicas} containers; returns when all had a node and when all ran (ns). */
  private long[] shoal(ApiClient api, int round, Duration giveUp) {
    String name = "bench-containers-" + round;
    long t0 = System.nanoTime();
    ApiClient.Response created = api.call("POST", "/v1/services", spec(name).toString());
    if (!created.ok()) {
      throw new IllegalStateException("could not create the service: " + created.status() + " " + created.body());
    }
    long[] placed = {-1};
    Poll.until(replicas + " containers to run", giveUp, POLL, () -> {
      var tasks = api.desiredRunning(name);
      if (placed[0] < 0 && tasks.size() == replicas && tasks.stream().allMatch(t -> !t.path("nodeId").isMissingNode()
          && !t.path("nodeId").isNull())) {
        placed[0] = System.nanoTime() - t0;
      }
      return tasks.size() == replicas && tasks.stream().allMatch(ApiClient::isRunning);
    });
    long took = System.nanoTime() - t0;
    if (placed[0] < 0) {
      placed[0] = took;
    }
    int engine = Docker.countRunning("dev.shoal.service.name=" + name);
    if (engine != replicas) {
      throw new IllegalStateException("Shoal reports " + replicas + " running, the engine runs " + engine);
    }
    api.call("DELETE", "/v1/services/" + name, null);
    Poll.until("the service's containers to go", giveUp, Duration.ofMillis(200),
        () -> api.desiredRunning(name).isEmpty() && Docker.countRunning("dev.shoal.service.name=" + name) == 0);
    return new long[] {placed[0], took};
  }

  private ObjectNode spec(String name) {
    ObjectNode spec = Json.MAPPER.createObjectNode();
    spec.put("name", name);
    spec.put("image", image);
    spec.putArray("command").add("sleep").add("600");
    spec.put("replicas", replicas);
    // `sleep` as PID 1 ignores SIGTERM: removal would wait out the grace period.
    spec.put("stopGracePeriod", "1s");
    return spec;
  }

  private void summary(List<Round> results) {
    out.println();
    out.printf(Locale.ROOT, "%d containers (%s, `sleep 600`), one engine, %d rounds, agent task parallelism %d%n", replicas, image,
        results.size(), taskParallelism);
    out.println("| round | parallel docker run -d | Shoal: spec -> all placed | Shoal: spec -> all running | Shoal / docker run |");
    out.println("| --- | --- | --- | --- | --- |");
    for (Round r : results) {
      out.printf(Locale.ROOT, "| %d | %.2f s | %.2f s | %.2f s | %.2f |%n", r.number(), seconds(r.raw()),
          seconds(r.shoalPlaced()), seconds(r.shoal()), r.shoal() / (double) r.raw());
    }
    double[] ratios = results.stream().mapToDouble(r -> r.shoal() / (double) r.raw()).sorted().toArray();
    out.printf(Locale.ROOT, "median ratio %.2f (issue 14's target: <= 1.25)%n", ratios[ratios.length / 2]);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** The docker CLI, for what the bench does beside Shoal. */
  private static final class Docker {
    private Docker() {}

    static void check(String image) throws IOException, InterruptedException {
      if (run("docker", "image", "inspect", image).exitValue() != 0) {
        throw new UsageException("image " + image + " is not on the engine (or no engine answers):"
            + " build it with scripts/build-test-image.sh, or give --image");
      }
    }

    static int countRunning(String label) {
      try {
        Process p = run("docker", "ps", "-q", "--filter", "label=" + label);
        String ids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return ids.isEmpty() ? 0 : ids.split("\\s+").length;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("docker ps failed: " + e, e);
      }
    }

    static void removeLabelled(String label) throws IOException, InterruptedException {
      Process p = run("docker", "ps", "-aq", "--filter", "label=" + label);
      String ids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!ids.isEmpty()) {
        List<String> cmd = new ArrayList<>(List.of("docker", "rm", "-f"));
        cmd.addAll(List.of(ids.split("\\s+")));
        run(cmd.toArray(String[]::new));
      }
    }

    private static Process run(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(60, TimeUnit.SECONDS);
      return p;
    }
  }
}
