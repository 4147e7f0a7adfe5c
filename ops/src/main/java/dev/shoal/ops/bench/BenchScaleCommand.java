package dev.shoal.ops.bench;

import dev.shoal.agent.DataDirLock;
import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.NodeAgentConfig;
import dev.shoal.agent.SharedClients;
import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.SimulatedRuntime;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.kafka.ReadModel;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench scale}: a big cluster on one machine. A broker, the orchestrator (its own JVM,
 * with a heap limit, so its memory is measured alone), a gateway and {@code --nodes} hollow nodes —
 * the real agent code over a {@link SimulatedRuntime} whose tasks run the moment they start, sharing
 * one producer and one assignment reader ({@link SharedClients}), as Kubemark's hollow nodes. It
 * creates {@code --services} services of {@code --tasks / --services} replicas and measures how fast
 * they are placed and reported running, the bytes written to Kafka per placement, a listing of one
 * service's tasks through the API, and a node lost at that scale; {@code --plot} draws placed and
 * running tasks over time.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Hollow nodes, many tasks: placement and start rates, bytes per placement, node loss, API listing.")
public final class BenchScaleCommand implements Callable<Integer> {
  @Option(names = "--nodes", defaultValue = "1000", description = "Hollow nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--tasks", defaultValue = "100000", description = "Tasks in all (default ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--services", defaultValue = "10", description = "Services the tasks are split over (default ${DEFAULT-VALUE}).")
  int services;

  @Option(names = "--orchestrator-heap", defaultValue = "1g", description = "-Xmx of the orchestrator's JVM (default ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--node-down-timeout", defaultValue = "3s", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "Liveness timeout (default ${DEFAULT-VALUE}, the orchestrator's own default).")
  String downTimeout;

  @Option(names = "--heartbeat-interval", defaultValue = "1s", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "The hollow nodes' heartbeat interval (default ${DEFAULT-VALUE}, the agent's own default).")
  String heartbeatInterval;

  @Option(names = "--timeout", defaultValue = "600s", converter = dev.shoal.ops.Converters.DurationText.class,
      description = "Give up after (default ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--plot", description = "Write a PNG of placed and running tasks over time.")
  Path plot;

  @Option(names = "--orchestrator-jvm-option", description = "An extra option for the orchestrator's JVM, e.g. "
      + "-XX:StartFlightRecording=filename=/tmp/o.jfr to profile it (repeatable).")
  List<String> orchestratorJvmOptions = new ArrayList<>();

  @Option(names = "--hollow-batch-bytes", defaultValue = "524288", description = "batch.size of the producers the "
      + "hollow nodes share (default ${DEFAULT-VALUE}; Kafka's default, 16384, starved their heartbeats at 1,000 nodes).")
  int hollowBatchBytes;

  @Option(names = "--hollow-producer-option", description = "Another property of the producers the hollow nodes share,"
      + " e.g. compression.type=lz4 (repeatable).")
  Map<String, String> hollowProducerOptions = new LinkedHashMap<>();

  @Option(names = "--warmup-tasks", defaultValue = "0", description = "Before the clock starts, run this many tasks"
      + " to RUNNING and remove them again, so both JVMs have compiled their hot code (default ${DEFAULT-VALUE}: a cold"
      + " cluster; the JIT then takes ~20 %% of the CPU of a 100,000-task run).")
  int warmupTasks;

  @Option(names = "--keep-kafka-data", description = "Keep the run's Kafka log (GBs at 100,000 tasks) in its work dir,"
      + " to read with kafka.tools.DumpLogSegments; removed at the end by default.")
  boolean keepKafkaData;

  private SharedClients shared;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (tasks % services != 0 || tasks / services > dev.shoal.schemas.Limits.MAX_REPLICAS) {
      throw new dev.shoal.ops.UsageException("--tasks must split evenly over --services, at most "
          + dev.shoal.schemas.Limits.MAX_REPLICAS + " each");
    }
    if (warmupTasks < 0) {
      throw new dev.shoal.ops.UsageException("--warmup-tasks 0 or more, got " + warmupTasks);
    }
    // Before any logger exists (slf4j-simple reads its levels once): 1,000 hollow agents would log every
    // one of 100,000 task starts, and printing that costs the bench JVM's share of the two cores.
    System.setProperty("org.slf4j.simpleLogger.log.dev.shoal.agent", "warn");
    Path dir = Files.createTempDirectory("shoal-bench-scale-");
    List<AutoCloseable> opened = new ArrayList<>();
    Process orchestrator = null;
    try {
      out.println(BenchJvmCollector.line());
      out.println("[scale] starting Kafka");
      EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build();
      opened.add(kafka);
      kafka.start();
      String bootstrap = kafka.bootstrapServers();
      byte[] secret = secret(dir.resolve("cluster-secret"));
      out.println("[scale] starting the orchestrator (its own JVM, -Xmx" + heap + ")");
      orchestrator = startOrchestrator(bootstrap, dir, out);
      GatewayServer gateway = new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", 0)
          .withClusterSecret(secret).withApplyTimeout(Duration.ofSeconds(60)));
      opened.add(gateway);
      gateway.start();
      ApiClient api = new ApiClient(gateway.url());
      ReadModel model = ((dev.shoal.gateway.kafka.KafkaClusterBackend) gateway.backend()).readModel();

      String token = JoinTokens.token(secret, JoinTokens.WORKER, 1);
      List<NodeAgent> agents = startHollowNodes(bootstrap, dir, token, opened, out);
      long joinStart = System.nanoTime();
      waitUntil(out, "nodes ready", Duration.ofMinutes(5), () -> model.nodes().stream().filter(n -> n.isReady()).count(),
          nodes);
      out.printf(Locale.ROOT, "[scale] %d nodes ready in %.1f s%n", nodes, (System.nanoTime() - joinStart) / 1e9);

      if (warmupTasks > 0) {
        warmUp(bootstrap, model, api, out);
      }
      TopicBytes.Reading bytesBefore = TopicBytes.of(bootstrap);
      Map<String, BrokerRequests.Counts> requestsBefore = BrokerRequests.now();
      Duration orchestratorCpuBefore = cpu(orchestrator.toHandle());
      Duration ownCpuBefore = cpu(ProcessHandle.current());
      long passesBefore = passes(agents);
      Progress progress = new Progress();
      long runFrom = System.currentTimeMillis();
      long t0 = System.nanoTime();
      int each = tasks / services;
      // Straight to the spec topic, as any Kafka client may: the clock starts when the specs are
      // published, not when the gateway has seen each one applied (which waits on the decisions).
      try (KafkaProducer<String, String> specs = new KafkaProducer<>(
          Map.of("bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(), new StringSerializer())) {
        for (int s = 0; s < services; s++) {
          specs.send(new ProducerRecord<>(Topics.defaults().specs.name(), "s" + s, "{\"name\":\"s" + s
              + "\",\"command\":[\"sleep\",\"3600\"],\"replicas\":" + each + "}")).get();
        }
      }
      out.printf(Locale.ROOT, "[scale] %d services of %d replicas published in %.2f s%n", services, each,
          (System.nanoTime() - t0) / 1e9);
      long deadline = System.nanoTime() + dev.shoal.schemas.Durations.parse(timeout).toNanos();
      double statusesQueued = 0;
      double heartbeatsQueued = 0;
      while (true) {
        long placed = 0;
        long running = 0;
        for (Map.Entry<TaskState, Integer> e : model.wantedRunningByState().entrySet()) {
          if (e.getKey().ordinal() >= TaskState.ASSIGNED.ordinal() && !e.getKey().isTerminal()) {
            placed += e.getValue();
          }
          if (e.getKey() == TaskState.RUNNING) {
            running += e.getValue();
          }
        }
        double at = (System.nanoTime() - t0) / 1e9;
        progress.add(at, placed, running);
        statusesQueued = higher(statusesQueued, shared.statusQueueTimeMaxMillis());
        heartbeatsQueued = higher(heartbeatsQueued, shared.heartbeatQueueTimeMaxMillis());
        out.printf(Locale.ROOT, "[scale] %6.1f s  placed %7d  running %7d / %d%n", at, placed, running, tasks);
        if (running >= tasks || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(1000);
      }
      long runTo = System.currentTimeMillis();
      TopicBytes.Reading bytesAfter = TopicBytes.of(bootstrap);
      double runSeconds = (runTo - runFrom) / 1e3;
      out.println(BrokerRequests.between(requestsBefore, BrokerRequests.now(), runSeconds));
      out.printf(Locale.ROOT, "[scale] CPU over the run (%.1f s; %d nodes, a heartbeat every %s: %.0f heartbeats/s):"
          + " orchestrator %.1f s (%.2f cores), the bench's JVM (broker, gateway, hollow nodes) %.1f s (%.2f cores)%n",
          runSeconds, nodes, heartbeatInterval, nodes * 1000.0 / Durations.parse(heartbeatInterval).toMillis(),
          seconds(cpu(orchestrator.toHandle()).minus(orchestratorCpuBefore)),
          seconds(cpu(orchestrator.toHandle()).minus(orchestratorCpuBefore)) / runSeconds,
          seconds(cpu(ProcessHandle.current()).minus(ownCpuBefore)),
          seconds(cpu(ProcessHandle.current()).minus(ownCpuBefore)) / runSeconds);
      long passesRun = passes(agents) - passesBefore;
      out.printf(Locale.ROOT, "[scale] the hollow nodes' convergence passes over the run: %d (%.0f a second, %.1f a node)%n",
          passesRun, passesRun / runSeconds, passesRun / (double) nodes);
      out.println(ClusterHappenings.events(bootstrap, runFrom, runTo));
      out.println(ClusterHappenings.tasks(model.tasks()));
      out.printf(Locale.ROOT, "[scale] the hollow nodes' shared producers: a status waited up to %.0f ms, a heartbeat"
          + " up to %.0f ms before being sent (batch.size %d; hollow nodes do not fence)%n", statusesQueued,
          heartbeatsQueued, hollowBatchBytes);
      listing(api, out);
      nodeLoss(agents, model, out);
      out.println();
      out.println(progress.summary(tasks));
      out.println(TopicBytes.perPlacement(bytesBefore, bytesAfter, tasks));
      out.println("[scale] orchestrator heap (-Xmx" + heap + "): " + GcLog.read(dir.resolve("orchestrator-gc.log")).text()
          + " (its JVM: " + (orchestrator.isAlive() ? "alive" : "DIED, see " + dir.resolve("orchestrator.log")) + ")");
      out.println(ClusterHappenings.orchestratorWarnings(dir.resolve("orchestrator.log")));
      out.println(BenchJvmCollector.line());
      if (plot != null) {
        progress.plot(plot, nodes, tasks);
        out.println("[scale] plot written to " + plot.toAbsolutePath());
      }
      return progress.allRunningAt(tasks) == null ? 1 : 0;
    } finally {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          out.println("[scale] closing: " + e);
        }
        if (i == 1 && orchestrator != null) {
          orchestrator.destroy();
          orchestrator.waitFor();
        }
      }
      if (!keepKafkaData) {
        try {
          org.apache.kafka.common.utils.Utils.delete(dir.resolve("kafka").toFile());
          out.println("[scale] the run's Kafka data removed (--keep-kafka-data keeps it); logs stay in " + dir);
        } catch (java.io.IOException e) {
          out.println("[scale] could not remove " + dir.resolve("kafka") + ": " + e);
        }
      }
    }
  }

  private Process startOrchestrator(String bootstrap, Path dir, PrintStream out) throws Exception {
    String jar = Path.of(BenchScaleCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-Xlog:gc:file=" + dir.resolve("orchestrator-gc.log")));
    cmd.addAll(orchestratorJvmOptions);
    cmd.addAll(List.of("-jar", jar, "orchestrator", "--bootstrap-servers", bootstrap,
        "--state-dir", dir.resolve("orchestrator").toString(), "--standby-replicas", "0",
        "--node-down-timeout", downTimeout, "--cluster-secret-file", dir.resolve("cluster-secret").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("orchestrator.log").toFile()).start();
    long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < until) {
      if (Files.readString(dir.resolve("orchestrator.log")).contains("Orchestrator RUNNING")) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the orchestrator exited: see " + dir.resolve("orchestrator.log"));
      }
      Thread.sleep(200);
    }
    out.println("[scale] the orchestrator is slow to start; going on");
    return p;
  }

  private List<NodeAgent> startHollowNodes(String bootstrap, Path dir, String token, List<AutoCloseable> opened,
                                           PrintStream out) throws Exception {
    // Two producers (statuses; heartbeats) carry what a thousand real nodes send through a thousand:
    // heartbeats (~3 KB when each listed the node's running tasks), 1,000 a second, and the statuses, to
    // one partition each. A request carries one batch per partition, so with Kafka's 16 KB batches
    // and 5 requests in flight one producer moved a few hundred heartbeats a second: they queued for
    // up to 20 s and liveness declared live nodes down. A real node sends one heartbeat a second.
    Map<String, Object> producer = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
        "enable.idempotence", true, "linger.ms", 5, "batch.size", hollowBatchBytes,
        "max.request.size", Math.max(1 << 20, 8 * hollowBatchBytes)));
    producer.putAll(hollowProducerOptions);
    Map<String, Object> consumer = Map.of("bootstrap.servers", bootstrap);
    shared = new SharedClients(producer, consumer, Topics.defaults());
    opened.add(shared);
    List<NodeAgent> agents = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      String id = String.format("hollow-%04d", i);
      Path agentDir = dir.resolve("nodes").resolve(id);
      NodeAgentConfig cfg = NodeAgentConfig.builder(bootstrap, agentDir).nodeId(id).hostname(id)
          .fencingTimeout(Duration.ZERO).heartbeatInterval(Durations.parse(heartbeatInterval)).joinToken(token)
          .build();
      List<ContainerRuntime> runtimes = List.of(new SimulatedRuntime(Drivers.PROCESS));
      NodeAgent agent = new NodeAgent(cfg, DataDirLock.forAgent(agentDir), runtimes, shared);
      agent.start();
      agents.add(agent);
      opened.add(agent);
      if (i % 100 == 0) {
        out.printf("[scale] %d hollow nodes started%n", i);
      }
    }
    shared.start();
    return agents;
  }

  private static long passes(List<NodeAgent> agents) {
    return agents.stream().mapToLong(NodeAgent::convergencePasses).sum();
  }

  /**
   * {@code GET /v1/tasks?service=s0} of one service's tasks, 20 calls one after the other: the first
   * (which renders every task changed since the last listing), the median and the slowest.
   */
  private static void listing(ApiClient api, PrintStream out) {
    List<Long> ms = new ArrayList<>();
    int size = 0;
    for (int i = 0; i < 20; i++) {
      long t = System.nanoTime();
      ApiClient.Response r = api.get("/v1/tasks?service=s0");
      ms.add((System.nanoTime() - t) / 1_000_000);
      size = r.json().size();
    }
    long first = ms.get(0);
    ms.sort(null);
    out.printf("[scale] GET /v1/tasks?service=s0 (%d tasks, 20 calls): first %d ms, median %d ms, max %d ms%n", size,
        first, ms.get(10), ms.get(19));
  }

  /** Halts one hollow node (as a SIGKILL) and times until its tasks run elsewhere. */
  private static void nodeLoss(List<NodeAgent> agents, ReadModel model, PrintStream out) throws InterruptedException {
    NodeAgent victim = agents.get(agents.size() / 2);
    String id = victim.nodeId();
    List<String> lost = model.tasks().stream().filter(t -> id.equals(t.nodeId())
        && t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING).map(Task::id).toList();
    long t0 = System.nanoTime();
    victim.halt();
    Double downAt = null;
    while (System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
      boolean down = model.node(id).map(n -> !n.isReady()).orElse(false);
      if (down && downAt == null) {
        downAt = (System.nanoTime() - t0) / 1e9;
      }
      // Looks up the lost tasks only, and scans all tasks once those are given up: a scan of 100,000
      // tasks every 50 ms took the bench's main thread a core's share and held the read model's lock.
      boolean allElsewhere = down && lost.stream().allMatch(x -> model.task(x).map(t ->
          t.desiredState() != dev.shoal.schemas.DesiredState.RUNNING).orElse(true));
      if (allElsewhere && model.tasks().stream().noneMatch(t -> t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING
          && t.state() != TaskState.RUNNING)) {
        double all = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "[scale] node %s lost (%d tasks): down after %.2f s, its tasks running elsewhere %.2f s"
            + " after it went down (%.2f s after the loss)%n", id, lost.size(), downAt, all - downAt, all);
        return;
      }
      Thread.sleep(allElsewhere ? 50 : 20);
    }
    long waiting = model.tasks().stream().filter(t -> t.desiredState() == dev.shoal.schemas.DesiredState.RUNNING
        && t.state() != TaskState.RUNNING).count();
    long notReady = model.nodes().stream().filter(n -> !n.isReady()).count();
    out.printf(Locale.ROOT, "[scale] node loss: not converged within 60 s (node %s %s; %d tasks wanted running are not;"
        + " %d nodes not ready)%n", id, downAt == null ? "never seen down" : String.format(Locale.ROOT,
        "down after %.2f s", downAt), waiting, notReady);
  }

  /**
   * Runs {@code --warmup-tasks} tasks (services {@code warmup-N} of at most the replica limit each) until
   * they all run, removes them, and waits until the read model holds none of them: the measured run then
   * starts on JVMs that have compiled what it exercises, as a cluster that has been up for a while has.
   */
  private void warmUp(String bootstrap, ReadModel model, ApiClient api, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    Map<String, Integer> replicas = new LinkedHashMap<>();
    for (int left = warmupTasks, i = 0; left > 0; i++) {
      int n = Math.min(left, dev.shoal.schemas.Limits.MAX_REPLICAS);
      replicas.put("warmup-" + i, n);
      left -= n;
    }
    List<String> names = List.copyOf(replicas.keySet());
    try (KafkaProducer<String, String> specs = new KafkaProducer<>(
        Map.of("bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(), new StringSerializer())) {
      for (Map.Entry<String, Integer> e : replicas.entrySet()) {
        specs.send(new ProducerRecord<>(Topics.defaults().specs.name(), e.getKey(), "{\"name\":\"" + e.getKey()
            + "\",\"command\":[\"sleep\",\"3600\"],\"replicas\":" + e.getValue() + "}")).get();
      }
      waitUntil(out, "warm-up tasks running", Duration.ofMinutes(10),
          () -> model.wantedRunningByState().getOrDefault(TaskState.RUNNING, 0), warmupTasks);
      List<String> ids = names.stream().map(n -> model.serviceByName(n).orElseThrow().id()).toList();
      // A cluster that has been up for a while has also been looked at: list each service as a user would.
      for (String name : names) {
        api.get("/v1/tasks?service=" + name);
      }
      for (String name : names) {
        specs.send(new ProducerRecord<>(Topics.defaults().specs.name(), name, null)).get();
      }
      waitUntil(out, "warm-up tasks removed", Duration.ofMinutes(10),
          () -> warmupTasks - ids.stream().mapToLong(id -> model.tasksOfService(id).size()).sum(), warmupTasks);
    }
    out.printf(Locale.ROOT, "[scale] warmed up with %d tasks (run and removed) in %.1f s%n", warmupTasks,
        (System.nanoTime() - t0) / 1e9);
  }

  private static void waitUntil(PrintStream out, String what, Duration max, java.util.function.LongSupplier value,
                                long target) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    long last = -1;
    while (value.getAsLong() < target) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException(what + ": " + value.getAsLong() + " of " + target + " after " + max);
      }
      long v = value.getAsLong();
      if (v != last) {
        out.printf("[scale] %s: %d / %d%n", what, v, target);
        last = v;
      }
      Thread.sleep(1000);
    }
  }

  /** CPU time the process has used so far (zero where the platform does not say). */
  private static Duration cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** The producer's metric is NaN while it has no sample in its window. */
  private static double higher(double max, double sample) {
    return Double.isNaN(sample) ? max : Math.max(max, sample);
  }

  private static byte[] secret(Path file) throws Exception {
    byte[] s = new byte[32];
    new SecureRandom().nextBytes(s);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(s) + "\n", StandardCharsets.UTF_8);
    return s;
  }
}
