package dev.shoal.ops.bench;

import dev.shoal.agent.runtime.SimulatedRuntime;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.schemas.Drivers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench writes}: how long API writes take to answer on an idle cluster in this JVM —
 * sequential creates, updates, scales and node updates, then concurrent creates — with
 * percentiles, and where the time goes, hop by hop, from the records' broker append times
 * ({@link WriteHops}).
 */
@Command(name = "writes", mixinStandardHelpOptions = true,
    description = "Measure API write latency (p50/p95/p99/max) on an idle cluster in this JVM, and where it goes.")
public final class BenchWritesCommand implements Callable<Integer> {
  @Option(names = "--writes", defaultValue = "200", description = "Writes of each kind (default ${DEFAULT-VALUE}).")
  int writes;

  @Option(names = "--concurrent", defaultValue = "20", description = "Clients creating at once in the last phase (default ${DEFAULT-VALUE}).")
  int concurrent;

  @Option(names = "--agents", defaultValue = "1", description = "Node agents (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--warm-up", defaultValue = "600",
      description = "Unmeasured creates and removals first (half with a replica), so the JIT has compiled the write path (default ${DEFAULT-VALUE}).")
  int warmUp;

  @Option(names = "--runtime", defaultValue = "process",
      description = "The agents' runtime: process (tasks are processes, as in shoal dev) or simulated (a task runs"
          + " the moment it starts and nothing is spawned: what the rest of a placement costs; default ${DEFAULT-VALUE}).")
  String runtime;

  @Option(names = "--threads", defaultValue = "0",
      description = "Also print, per kind of write, the CPU per write of this many busiest thread groups (default ${DEFAULT-VALUE}: none).")
  int threads;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("shoal-bench-writes-");
    InJvmCluster.RuntimesFactory runtimes = switch (runtime) {
      case "process" -> null;
      case "simulated" -> agentDir -> List.of(new SimulatedRuntime(Drivers.PROCESS));
      default -> throw new IllegalArgumentException("--runtime: process or simulated, not " + runtime);
    };
    try (InJvmCluster cluster = InJvmCluster.start(dir, agents, Duration.ofSeconds(10), out, runtimes)) {
      ApiClient api = cluster.api();
      dev.shoal.ops.stack.Poll.until("the agents to join", Duration.ofSeconds(60), () -> api.json("/v1/nodes").size() == agents);
      String node = api.json("/v1/nodes").get(0).path("id").asText();
      warmUp(out, api, warmUp);
      try (WriteHops hops = WriteHops.start(cluster.bootstrapServers())) {
        Latencies creates = run(out, "POST /v1/services", writes, i -> api.call("POST", "/v1/services", spec("w" + i, 0, "a")));
        // As issue 16 measured creates: one replica each, so each create places a task and the agent starts it.
        Latencies placingCreates = run(out, "POST /v1/services (1 replica)", writes,
            i -> api.call("POST", "/v1/services", spec("p" + i, 1, "a")));
        Latencies updates = run(out, "PUT /v1/services/{name}", writes, i -> {
          long v = api.json("/v1/services/w" + i).path("version").asLong();
          return api.call("PUT", "/v1/services/w" + i + "?version=" + v, spec("w" + i, 0, "b"));
        });
        Latencies scales = run(out, "POST /v1/services/{name}/scale", writes,
            i -> api.call("POST", "/v1/services/w" + i + "/scale", "{\"replicas\": 1}"));
        Latencies nodes = run(out, "PATCH /v1/nodes/{id}", writes,
            i -> api.call("PATCH", "/v1/nodes/" + node, "{\"labels\": {\"round\": \"r" + i + "\"}}"));
        // The same write through the Docker Engine API surface, as `docker service create` sends it.
        Latencies dockerCreates = run(out, "POST /v1.41/services/create", writes,
            i -> api.call("POST", "/v1.41/services/create", dockerSpec("d" + i)));
        Latencies parallel = concurrently(out, api, concurrent);
        out.println();
        out.printf("%-34s %7s %7s %7s %7s %7s %8s%n", "write", "n", "p50", "p95", "p99", "max", "cpu/write");
        for (Latencies l : List.of(creates, placingCreates, updates, scales, nodes, dockerCreates, parallel)) {
          out.println(l.row());
        }
        out.println();
        out.println("cpu/write: CPU time of this whole JVM (Kafka, orchestrator, gateway, agent, client, and what they do"
            + " when idle) over the writes of a kind, divided by their number.");
        out.println();
        out.println(hops.summary());
      }
      for (int i = 0; i < writes; i++) {
        api.call("DELETE", "/v1/services/w" + i, null);
        api.call("DELETE", "/v1/services/p" + i, null);
        api.call("DELETE", "/v1/services/d" + i, null);
      }
    }
    return 0;
  }

  private static String spec(String name, int replicas, String rev) {
    return "{\"name\":\"" + name + "\",\"command\":[\"sleep\",\"3600\"],\"replicas\":" + replicas
        + ",\"env\":{\"REV\":\"" + rev + "\"}}";
  }

  /** What the docker CLI 28 sends for `docker service create --replicas 0 --name NAME IMAGE sleep 3600`. */
  private static String dockerSpec(String name) {
    return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"local/busybox:1\","
        + "\"Args\":[\"sleep\",\"3600\"]}},\"Mode\":{\"Replicated\":{\"Replicas\":0}}}";
  }

  /**
   * Writes first, unmeasured: a gateway and an orchestrator that have run a while have their write
   * path compiled; measured from cold, the first kind of write measured pays for the JIT. Every
   * other service has a replica, so placing, starting, reporting and stopping a task is compiled too.
   */
  private static void warmUp(PrintStream out, ApiClient api, int n) {
    for (int i = 0; i < n; i++) {
      api.call("POST", "/v1/services", spec("warm" + i, i % 2, "a"));
      api.call("DELETE", "/v1/services/warm" + i, null);
    }
    out.printf("[bench] warm-up: %d creates and removals, half of them with a replica%n", n);
  }

  private Latencies run(PrintStream out, String what, int n, IntFunction<ApiClient.Response> call) {
    Latencies l = new Latencies(what);
    ThreadCpu threads0 = threads > 0 ? ThreadCpu.snapshot() : null;
    long cpu0 = JvmCpu.nanos();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      ApiClient.Response r = call.apply(i);
      l.add(System.nanoTime() - t0, r);
      if ((i + 1) % 50 == 0) {
        out.printf("[bench] %s: %d/%d%n", what, i + 1, n);
      }
    }
    l.cpu(JvmCpu.nanos() - cpu0);
    if (threads0 != null) {
      out.printf("[bench] %s: CPU per write by thread group%n%s%n", what, ThreadCpu.snapshot().perOperationSince(threads0, n, threads));
    }
    return l;
  }

  private static Latencies concurrently(PrintStream out, ApiClient api, int n) throws Exception {
    Latencies l = new Latencies(n + " concurrent POST /v1/services");
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<Void>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        fs.add(CompletableFuture.runAsync(() -> {
          long t0 = System.nanoTime();
          ApiClient.Response r = api.call("POST", "/v1/services", spec("c" + k, 0, "a"));
          synchronized (l) {
            l.add(System.nanoTime() - t0, r);
          }
        }, pool));
      }
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdown();
    }
    out.printf("[bench] %s: done%n", l.what());
    for (int i = 0; i < n; i++) {
      api.call("DELETE", "/v1/services/c" + i, null);
    }
    return l;
  }

  /** Latencies of one kind of write, and how many did not answer 2xx. */
  static final class Latencies {
    private final String what;
    private final List<Long> nanos = new ArrayList<>();
    private int failed;
    private long cpuNanos = -1;

    Latencies(String what) {
      this.what = what;
    }

    String what() {
      return what;
    }

    /** CPU the whole JVM used while these writes ran (the cluster, the client, and idle work alike). */
    void cpu(long ns) {
      cpuNanos = ns;
    }

    void add(long ns, ApiClient.Response r) {
      nanos.add(ns);
      if (!r.ok() || r.status() == 202) {
        failed++;
      }
    }

    String row() {
      List<Long> s = nanos.stream().sorted().toList();
      String cpu = cpuNanos < 0 ? "" : String.format(Locale.ROOT, "%7.2f", cpuNanos / 1e6 / s.size());
      return String.format(Locale.ROOT, "%-34s %7d %7.1f %7.1f %7.1f %7.1f %8s  ms%s", what, s.size(), pct(s, 50),
          pct(s, 95), pct(s, 99), s.get(s.size() - 1) / 1e6, cpu, failed == 0 ? "" : "  (" + failed + " not 200/201/204)");
    }

    private static double pct(List<Long> sorted, int p) {
      int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, i)) / 1e6;
    }
  }
}
