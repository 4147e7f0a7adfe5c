package dev.shoal.ops.stack;

import dev.shoal.agent.PrivateFiles;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.JoinTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * A whole Shoal cluster on this machine, every component a separate JVM started from the launcher
 * ({@code shoal kafka}, {@code orchestrator}, {@code gateway}, {@code agent}): for the multi-process
 * integration tests and {@code shoal bench}. Each component gets free ports on 127.0.0.1, its own
 * data directory and its own log file under one directory. Agents use the process runtime.
 *
 * <p>The cluster is secure as in production: a cluster secret (mode 600) for the orchestrators and
 * the gateway, agents that join with the worker token, and, with {@link Builder#kafkaSecurity}, a
 * broker that authenticates every component as its own user ({@code shoal kafka --security}) and
 * allows only Shoal's ACLs; each component then gets its user's {@code --kafka-config}.
 *
 * <p>{@link #close()} stops agents first (so they stop their tasks), then the gateways and the
 * orchestrators, Kafka last, and finally kills any task process still carrying {@link #marker()} —
 * the tasks of an agent that was killed and never came back.
 */
public final class ProcessStack implements AutoCloseable {
  public static final String APPLICATION_ID = "shoal-orchestrator";
  private static final String MAIN = "dev.shoal.ops.Shoal";
  // Ten JVMs starting at once on two shared cores took over 120 s at load average 70.
  private static final Duration START = Duration.ofSeconds(180);
  private static final Duration STOP = Duration.ofSeconds(30);

  private final Path dir;
  private final Builder settings;
  private final String marker = "shoal-stack-" + UUID.randomUUID();
  private final Map<String, ShoalProcess> agents = new LinkedHashMap<>();
  private final Map<String, ShoalProcess> orchestrators = new LinkedHashMap<>();
  private final Thread cleanup = new Thread(this::killAll, "shoal-stack-cleanup");
  private final Path secretFile;
  private final String workerToken;
  /** Processes that serve the test beside Shoal's components (forwarders). */
  private final List<ShoalProcess> helpers = new ArrayList<>();
  /** Brokers by node id (one, node 1, unless {@link Builder#brokers}), with their client ports. */
  private final Map<Integer, ShoalProcess> brokers = new java.util.TreeMap<>();
  private final Map<Integer, Integer> kafkaPorts = new java.util.TreeMap<>();
  /** Gateways by name ({@code gateway}, or {@code gateway-1 …} with {@link Builder#gateways} above 1), and their API ports. */
  private final Map<String, ShoalProcess> gateways = new LinkedHashMap<>();
  private final Map<String, Integer> apiPorts = new LinkedHashMap<>();

  private ProcessStack(Builder b) {
    this.dir = b.dir;
    this.settings = b;
    this.secretFile = dir.resolve("cluster-secret");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try {
      PrivateFiles.writePrivate(secretFile, HexFormat.of().formatHex(secret) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.workerToken = JoinTokens.token(secret, JoinTokens.WORKER, ClusterInfo.INITIAL.workerTokenGeneration());
    // Children outlive a JVM that is stopped without close(): take them along.
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** Settings for a stack whose components keep their data and logs under {@code dir}. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /**
   * Starts Kafka, then {@code orchestratorCount} orchestrators, the gateway and agents
   * {@code node-1 … node-<agentCount>} at once, and returns when the API lists every agent ready.
   */
  public ProcessStack start(int orchestratorCount, int agentCount) {
    startKafka();
    List<ShoalProcess> orchs = new ArrayList<>();
    for (int i = 0; i < orchestratorCount; i++) {
      orchs.add(startOrchestrator("orchestrator-" + (char) ('a' + i)));
    }
    for (String g : gatewayNames()) {
      startGateway(g);
    }
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i <= agentCount; i++) {
      hosts.add("node-" + i);
      startAgent("node-" + i);
    }
    orchs.forEach(o -> o.awaitOutput("Orchestrator ", START));
    awaitApi();
    awaitReady(hosts);
    return this;
  }

  /**
   * Starts the broker, or with {@link Builder#brokers} above 1 every member of a KRaft cluster ({@code shoal
   * kafka --voters …}, processes {@code kafka-1 …}) at once — a member waits for a quorum — and returns when
   * each is ready.
   */
  public void startKafka() {
    int n = settings.brokers;
    if (n == 1) {
      kafkaPorts.put(1, freePort());
      progress("starting Kafka on 127.0.0.1:" + kafkaPorts.get(1));
      brokers.put(1, launch("kafka", 512, List.of("kafka", "--kafka-port", String.valueOf(kafkaPorts.get(1)),
          "--data-dir", dir.resolve("kafka").toString(), "--security", settings.kafkaSecurity.name())));
    } else {
      List<String> voters = new ArrayList<>();
      for (int id = 1; id <= n; id++) {
        kafkaPorts.put(id, freePort());
        voters.add(id + "@127.0.0.1:" + freePort());
      }
      String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
      progress("starting a Kafka cluster of " + n + " on 127.0.0.1:" + kafkaPorts.values() + ", voters " + voters);
      for (int id = 1; id <= n; id++) {
        brokers.put(id, launch("kafka-" + id, 384, List.of("kafka", "--kafka-port", String.valueOf(kafkaPorts.get(id)),
            "--data-dir", dir.resolve("kafka-" + id).toString(), "--voters", String.join(",", voters),
            "--node-id", String.valueOf(id), "--cluster-id", clusterId)));
      }
    }
    brokers.values().forEach(b -> b.awaitOutput("Kafka broker ready at", START));
  }

  /** The broker with this node id (1 … brokers). */
  public ShoalProcess broker(int nodeId) {
    ShoalProcess b = brokers.get(nodeId);
    if (b == null) {
      throw new IllegalArgumentException("no broker " + nodeId + " (brokers " + brokers.keySet() + ")");
    }
    return b;
  }

  public Collection<ShoalProcess> brokers() {
    return brokers.values();
  }

  /** Starts a broker that ended again, with its data directory and ports, and returns when it is ready. */
  public void restartBroker(int nodeId) {
    progress("restarting broker " + nodeId);
    ShoalProcess b = broker(nodeId);
    b.start();
    b.awaitOutput("Kafka broker ready at", START);
  }

  /**
   * The node id of the broker leading partition 0 of {@code topic} (e.g. {@code shoal.specs}), as the
   * cluster's metadata says; empty while it has none or Kafka does not answer.
   */
  public Optional<Integer> leaderOf(String topic) {
    try (Admin admin = Admin.create(clientConfig("admin"))) {
      var d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
      var leader = d.partitions().get(0).leader();
      return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(leader.id());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }
  }

  /** Starts (or restarts, with the same state directory) the orchestrator instance {@code name}. */
  public ShoalProcess startOrchestrator(String name) {
    progress("starting " + name);
    ShoalProcess p = orchestrators.get(name);
    if (p == null) {
      p = launch(name, 384, List.of("orchestrator", "--bootstrap-servers", bootstrapServers(),
          "--state-dir", dir.resolve(name).toString(), "--standby-replicas", String.valueOf(settings.standbyReplicas),
          "--node-down-timeout", Durations.format(settings.nodeDownTimeout),
          "--session-timeout", Durations.format(settings.sessionTimeout), "--client-id", name,
          "--cluster-secret-file", secretFile.toString()), "orchestrator");
      orchestrators.put(name, p);
    } else {
      p.start();
    }
    return p;
  }

  /** The gateways' names: {@code gateway} alone, or {@code gateway-1 …}. */
  public List<String> gatewayNames() {
    if (settings.gateways == 1) {
      return List.of("gateway");
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= settings.gateways; i++) {
      names.add("gateway-" + i);
    }
    return names;
  }

  /** Starts the (first) gateway. */
  public void startGateway() {
    startGateway(gatewayNames().get(0));
  }

  /** Starts the gateway {@code name}, or starts it again on the same API port. */
  public ShoalProcess startGateway(String name) {
    ShoalProcess g = gateways.get(name);
    if (g != null) {
      progress("restarting " + name);
      return g.start();
    }
    int port = freePort();
    progress("starting " + name + " on 127.0.0.1:" + port);
    g = launch(name, 256, List.of("gateway", "--bootstrap-servers", bootstrapServers(),
        "--api-port", String.valueOf(port), "--cluster-secret-file", secretFile.toString()), "gateway");
    gateways.put(name, g);
    apiPorts.put(name, port);
    return g;
  }

  public ShoalProcess gateway(String name) {
    return gateways.get(name);
  }

  public Collection<ShoalProcess> gateways() {
    return gateways.values();
  }

  /** A client of the gateway {@code name}'s API. */
  public ApiClient api(String name) {
    return new ApiClient("http://127.0.0.1:" + apiPorts.get(name));
  }

  /**
   * Starts one more gateway, {@code name}, on a port of its own (the first one is {@link #api()}'s):
   * gateways are stateless, any of them serves any request. Returns a client of it once it answers.
   */
  public ApiClient startMoreGateway(String name) {
    ShoalProcess p = startGateway(name);
    ApiClient client = api(name);
    Poll.until("the gateway " + name + " to answer", START, () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("the gateway " + name + " ended:\n" + p.tail(40));
      }
      return client.get("/v1/nodes").ok();
    });
    return client;
  }

  /** Starts the agent {@code hostname}, or starts it again with the same data directory (and so node id). */
  public ShoalProcess startAgent(String hostname) {
    return startAgent(hostname, List.of());
  }

  /**
   * Starts (or restarts) the agent {@code hostname} with its command behind {@code prefix}, e.g.
   * {@code ip netns exec <namespace>} to run it in a network namespace; the prefix of its first start
   * stays.
   */
  public ShoalProcess startAgent(String hostname, List<String> prefix) {
    progress("starting agent " + hostname + (prefix.isEmpty() ? "" : " under " + String.join(" ", prefix)));
    ShoalProcess p = agents.get(hostname);
    if (p == null) {
      p = launch(hostname, 192, prefix, List.of("agent", "--bootstrap-servers", bootstrapServers(), "--hostname", hostname,
          "--data-dir", dir.resolve(hostname).toString(), "--runtime", "process",
          "--heartbeat-interval", Durations.format(settings.heartbeatInterval),
          "--fencing-timeout", Durations.format(settings.fencingTimeout), "--join-token", workerToken), "agent");
      agents.put(hostname, p);
    } else {
      p.start();
    }
    return p;
  }

  /** Waits until every gateway answers. */
  public void awaitApi() {
    gateways.keySet().forEach(this::awaitApi);
  }

  public void awaitApi(String gatewayName) {
    ShoalProcess gateway = gateways.get(gatewayName);
    ApiClient client = api(gatewayName);
    Poll.until(gatewayName + " to answer", START, () -> {
      if (!gateway.isAlive()) {
        throw new IllegalStateException(gatewayName + " ended:\n" + gateway.tail(40));
      }
      return client.get("/v1/nodes").ok();
    });
  }

  /** Starts again whichever of these agents is not running (a test or a fault killed it), then waits until all are ready. */
  public void restartDeadAgents(Collection<String> hostnames) {
    for (String host : hostnames) {
      if (!agent(host).isAlive()) {
        startAgent(host);
      }
    }
    awaitReady(hostnames);
  }

  public void awaitReady(Collection<String> hostnames) {
    ApiClient api = api();
    Poll.until("nodes " + hostnames + " to be ready", START,
        () -> hostnames.stream().allMatch(h -> api.nodeIs(h, "ready")));
  }

  /**
   * The orchestrator instance whose Kafka Streams task owns the decision task — the one making
   * decisions, which reads every input log and so {@code shoal.specs}' only partition — as the
   * broker's view of the consumer group says; empty while the group rebalances.
   */
  public Optional<ShoalProcess> activeOrchestrator() {
    try (Admin admin = Admin.create(clientConfig("admin"))) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APPLICATION_ID)).all()
          .get(10, TimeUnit.SECONDS).get(APPLICATION_ID);
      TopicPartition specs = new TopicPartition("shoal.specs", 0);
      for (MemberDescription m : group.members()) {
        if (m.assignment().topicPartitions().contains(specs)) {
          // Client ids are "<--client-id>-StreamThread-<n>-consumer".
          return orchestrators.values().stream().filter(o -> m.clientId().startsWith(o.name() + "-")).findFirst();
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Optional.empty();
    }
  }

  /** A client of the first gateway's API. */
  public ApiClient api() {
    return api(gatewayNames().get(0));
  }

  /** Every broker's client address, comma-separated. */
  public String bootstrapServers() {
    return kafkaPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(java.util.stream.Collectors.joining(","));
  }

  /**
   * Kafka client settings for {@code user} ({@code orchestrator}, {@code gateway}, {@code agent} or
   * {@code admin}) with the bootstrap servers: what that component's {@code --kafka-config} holds.
   */
  public Map<String, Object> clientConfig(String user) {
    Map<String, Object> m = new java.util.HashMap<>();
    Path file = kafkaConfigFile(user);
    if (file != null) {
      Properties p = new Properties();
      try (var in = Files.newBufferedReader(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    }
    m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return m;
  }

  /** The {@code --kafka-config} file of {@code user}, or null when Kafka runs without authentication. */
  private Path kafkaConfigFile(String user) {
    return settings.kafkaSecurity == KafkaSecurity.PLAINTEXT ? null
        : dir.resolve("kafka").resolve("clients").resolve(user + ".properties");  // secure: one broker only
  }

  public ShoalProcess agent(String hostname) {
    return agents.get(hostname);
  }

  /** The broker (the first one of a cluster). */
  public ShoalProcess kafka() {
    return brokers.get(1);
  }

  public Collection<ShoalProcess> orchestrators() {
    return orchestrators.values();
  }

  /** Put this in the argv of task processes: {@link #close()} kills whatever still carries it. */
  public String marker() {
    return marker;
  }

  public Path dir() {
    return dir;
  }

  /** The last {@code lines} of every component's log, for a failure report. */
  public String logs(int lines) {
    StringBuilder b = new StringBuilder();
    for (ShoalProcess p : all()) {
      b.append("===== ").append(p.name()).append(" (").append(p.log()).append(")").append(System.lineSeparator())
          .append(p.tail(lines)).append(System.lineSeparator());
    }
    return b.toString();
  }

  private List<ShoalProcess> all() {
    List<ShoalProcess> all = new ArrayList<>(brokers.values());
    all.addAll(orchestrators.values());
    all.addAll(gateways.values());
    all.addAll(agents.values());
    all.addAll(helpers);
    return all;
  }

  /**
   * Starts a {@link TcpForwarder} from {@code listen} to {@code target} (both {@code HOST:PORT}) as a
   * child JVM behind {@code prefix}, and returns once it listens. Stopped with the stack.
   */
  public ShoalProcess startForwarder(String name, List<String> prefix, String listen, String target) {
    progress("forwarding " + listen + " to " + target + (prefix.isEmpty() ? "" : " under " + String.join(" ", prefix)));
    ShoalProcess p = launchMain(name, 64, prefix, TcpForwarder.class.getName(), List.of(listen, target));
    helpers.add(p);
    p.awaitOutput(TcpForwarder.READY, START);
    return p;
  }

  /** Launches a component that logs in to Kafka as {@code kafkaUser} (when Kafka authenticates). */
  private ShoalProcess launch(String name, int heapMb, List<String> args, String kafkaUser) {
    return launch(name, heapMb, List.of(), args, kafkaUser);
  }

  private ShoalProcess launch(String name, int heapMb, List<String> prefix, List<String> args, String kafkaUser) {
    List<String> all = new ArrayList<>(args);
    Path config = kafkaConfigFile(kafkaUser);
    if (config != null) {
      all.addAll(List.of("--kafka-config", config.toString()));
    }
    return launchMain(name, heapMb, prefix, MAIN, all);
  }

  private ShoalProcess launch(String name, int heapMb, List<String> args) {
    return launchMain(name, heapMb, List.of(), MAIN, args);
  }

  private ShoalProcess launchMain(String name, int heapMb, List<String> prefix, String main, List<String> args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(settings.java);
    // Small heaps, serial GC and C1 only: eight JVMs share two cores in the tests.
    cmd.addAll(List.of("-Xms32m", "-Xmx" + heapMb + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData", "-cp", settings.classpath, main));
    cmd.addAll(args);
    return new ShoalProcess(name, cmd, dir.resolve(name + ".log")).start();
  }

  private void progress(String what) {
    if (settings.progress != null) {
      settings.progress.println("[stack] " + what);
    }
  }

  /** Stops everything, agents first and Kafka last; kills what does not stop in time. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ShoalProcess a : agents.values()) {
      stops.add(CompletableFuture.runAsync(() -> a.stop(STOP)));
    }
    stops.forEach(CompletableFuture::join);
    gateways.values().forEach(g -> g.stop(STOP));
    orchestrators.values().forEach(o -> o.stop(STOP));
    if (brokers.size() == 1) {
      brokers.values().forEach(b -> b.stop(STOP));
    }
    helpers.forEach(ShoalProcess::kill);
    // The members of a cluster are killed: one that shuts down cleanly waits for a controller, which the last
    // ones no longer have; everything that wrote to them has stopped already.
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private void killAll() {
    all().forEach(ShoalProcess::kill);
    TaskProcesses.killAll(marker);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings of a {@link ProcessStack}; the defaults are the components' own defaults. */
  public static final class Builder {
    private final Path dir;
    private String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private String classpath = defaultClasspath();
    private Duration nodeDownTimeout = Duration.ofSeconds(3);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Duration fencingTimeout = Duration.ofSeconds(6);
    private Duration sessionTimeout = Duration.ofSeconds(10);
    private int standbyReplicas = 1;
    private int brokers = 1;
    private int gateways = 1;
    private KafkaSecurity kafkaSecurity = KafkaSecurity.PLAINTEXT;
    private PrintStream progress;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** The launcher jar (or class path) the components run from; default: what this JVM runs. */
    public Builder classpath(String v) {
      classpath = v;
      return this;
    }

    public Builder nodeDownTimeout(Duration v) {
      nodeDownTimeout = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder fencingTimeout(Duration v) {
      fencingTimeout = v;
      return this;
    }

    /** The orchestrators' Kafka session timeout: how soon a standby takes over from a killed instance. */
    public Builder sessionTimeout(Duration v) {
      sessionTimeout = v;
      return this;
    }

    public Builder standbyReplicas(int v) {
      standbyReplicas = v;
      return this;
    }

    /** Kafka brokers: 1 (the default) or a KRaft cluster of that many, each a separate process, plaintext only. */
    public Builder brokers(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("brokers must be 1 or more, got " + v);
      }
      brokers = v;
      return this;
    }

    /** Gateways, each a separate process with its own API port (default 1). */
    public Builder gateways(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("gateways must be 1 or more, got " + v);
      }
      gateways = v;
      return this;
    }

    /** How components log in to the stack's broker (default: no authentication). */
    public Builder kafkaSecurity(KafkaSecurity v) {
      kafkaSecurity = v;
      return this;
    }

    /** Where to print what the stack is doing (null: nowhere). */
    public Builder progress(PrintStream v) {
      progress = v;
      return this;
    }

    public ProcessStack build() {
      if (brokers > 1 && kafkaSecurity != KafkaSecurity.PLAINTEXT) {
        throw new IllegalArgumentException("a cluster of brokers runs without authentication for now");
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ProcessStack(this);
    }

    /**
     * The jar this code was loaded from when it runs from the launcher jar; otherwise (tests, an
     * IDE) the class path of this JVM, which then must hold every module.
     */
    public static String defaultClasspath() {
      String explicit = System.getProperty("shoal.jar");
      if (explicit != null && !explicit.isBlank()) {
        return explicit;
      }
      try {
        Path self = Path.of(ProcessStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(self)) {
          return self.toString();
        }
      } catch (Exception e) {
        // fall through to the class path
      }
      return System.getProperty("java.class.path");
    }
  }
}
