package dev.shoal.agent;

import dev.shoal.agent.logs.LogCounters;
import dev.shoal.agent.logs.LogSettings;
import dev.shoal.agent.logs.LogShipper;
import dev.shoal.agent.metrics.AgentMetrics;
import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.ProcessRuntime;
import dev.shoal.agent.runtime.TaskOutputs;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: reads its node's assignment from Kafka, converges its runtimes to it, publishes
 * task statuses and heartbeats. Components never call each other; this one meets the orchestrator
 * only in the assignments, task-status and heartbeats topics.
 *
 * <p>Threads, after {@link #start()}: one reads the assignment ({@link AssignmentReader}); one runs
 * convergence passes ({@link TaskSupervisor#converge()}), on every new assignment, ended operation
 * or task exit (those a few ms apart share a pass: {@link PassRequests}), and at least every
 * {@code resyncInterval} when nothing happens, and the fencing check ({@link FenceGuard}); up to
 * {@code taskParallelism} run starts and removes, and a wider pool runs stops ({@link OpsPool}; one
 * operation at a time per task, idle threads end); one sends heartbeats; one hands task
 * statuses to the Kafka producer; one ships task output ({@link LogShipper}, with its own producer).
 *
 * <p>{@link #close()} stops reading, stops every task with its grace period, reports them SHUTDOWN
 * and closes the Kafka clients within {@code closeTimeout}. Tasks are not left running. From
 * construction to close the agent holds a {@link DataDirLock} on its data directory: a second agent
 * on the same directory is refused instead of becoming the same node.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  /** The node's private key in its data directory ({@link NodeSigner}); mode 600, refused otherwise. */
  public static final String KEY_FILE = NodeSigner.KEY_FILE;
  private static final Duration READER_JOIN = Duration.ofSeconds(3);
  private static final Duration OPS_WAIT = Duration.ofSeconds(10);
  /**
   * A start that ends sooner reports only how it ended ({@link StartReports}): a spawned process or a
   * container whose image is there takes milliseconds to tens of milliseconds here, an image pull seconds.
   */
  static final Duration START_QUIET = Duration.ofMillis(100);
  /**
   * How long a status that finds nothing on its way waits for others ({@link CoalescingStatusSink}):
   * the starts of one pass end within a few milliseconds of each other and then leave as one batch.
   */
  static final Duration STATUS_GATHERING = Duration.ofMillis(5);
  /**
   * The least time between a pass and one asked for by an ended operation or a task exit
   * ({@link PassRequests#soon()}): what such a pass reports (a stop's or an exit's end) comes at most
   * this much later, against engine operations of 10s to 100s of ms; completions within it share a pass.
   */
  static final Duration PASS_SPACING = Duration.ofMillis(20);

  private enum Phase { NEW, STARTED, CLOSED }

  private final NodeAgentConfig config;
  private final String nodeId;
  private final String hostname;
  private Runtimes runtimes; // replaced once by meterWith, before start
  private AgentMetrics metrics;
  private final DataDirLock lock;
  private final NodeSigner signer;
  private final AtomicLong passes = new AtomicLong();
  private Phase phase = Phase.NEW;
  private KafkaSender sender;
  private TaskSupervisor supervisor;
  private OpsPool ops;
  private ScheduledExecutorService converger;
  private PassRequests passRequests;
  private ScheduledExecutorService heartbeats;
  /** This agent's beats on the shared heartbeat thread (hollow nodes only). */
  private ScheduledFuture<?> sharedBeats;
  private AssignmentReader reader;
  private LogShipper logShipper;
  private LogSettings logSettings = LogSettings.DEFAULTS;
  private Thread readerThread;
  private final CompletableFuture<String> refused = new CompletableFuture<>();
  private final SharedClients shared;

  /** An agent with the process runtime, keeping its state under {@code <dataDir>/process}. */
  public NodeAgent(NodeAgentConfig config) {
    this(config, DataDirLock.forAgent(config.dataDir()), null);
  }

  /**
   * An agent with the given runtimes, at most one per driver (the Docker runtime joins here). Takes the
   * lock on the data directory only now: a caller whose runtimes keep state in it (the process
   * runtime adopts the tasks it finds) should take the lock first and use
   * {@link #NodeAgent(NodeAgentConfig, DataDirLock, List)}.
   */
  public NodeAgent(NodeAgentConfig config, List<ContainerRuntime> runtimes) {
    this(config, DataDirLock.forAgent(config.dataDir()), runtimes);
  }

  /**
   * An agent holding {@code lock} on its data directory ({@link DataDirLock#forAgent}) for its life,
   * with the given runtimes (null: the process runtime under {@code <dataDir>/process}). The agent
   * owns the runtimes and the lock and closes them. Resolves the node id (reading or creating its
   * file) and loads the node key ({@link NodeSigner}); does not connect to Kafka until {@link #start()}.
   *
   * @throws PrivateFiles.ExposedException when the node key file can be read by others
   */
  public NodeAgent(NodeAgentConfig config, DataDirLock lock, List<ContainerRuntime> runtimes) {
    this(config, lock, runtimes, null);
  }

  /**
   * An agent that sends through {@code shared}'s producer and learns its assignment from
   * {@code shared}'s reader instead of Kafka clients of its own: for many agents in one JVM (hollow
   * nodes in {@code shoal bench scale}). The caller keeps and closes {@code shared}.
   */
  public NodeAgent(NodeAgentConfig config, DataDirLock lock, List<ContainerRuntime> runtimes, SharedClients shared) {
    this.shared = shared;
    this.config = config;
    this.lock = lock;
    try {
      this.nodeId = NodeIdentity.nodeId(config.nodeId(), config.dataDir());
      this.hostname = NodeIdentity.hostname(config.hostname());
      this.signer = NodeSigner.start(config.dataDir());
      this.runtimes = new Runtimes(runtimes != null ? runtimes
          : List.of(new ProcessRuntime(config.dataDir().resolve("process"), hostname)));
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public NodeAgentConfig config() {
    return config;
  }

  /** The runtime offering {@code driver}, e.g. to read a task's logs. */
  public Optional<ContainerRuntime> runtime(String driver) {
    return runtimes.forDriver(driver);
  }

  /**
   * Meters this agent into {@code registry} (its heartbeats, runtime operations, running tasks,
   * fencing and Kafka clients, labelled with its node id). Call before {@link #start()}.
   */
  public synchronized NodeAgent meterWith(MeterRegistry registry) {
    if (phase != Phase.NEW || metrics != null) {
      throw new IllegalStateException("meter an agent once, before it starts");
    }
    metrics = new AgentMetrics(registry, nodeId);
    runtimes = new Runtimes(metrics.meter(runtimes.all()));
    return this;
  }

  /** Ships task output with these rate limits and bounds ({@link LogSettings#DEFAULTS} otherwise). Call before {@link #start()}. */
  public synchronized NodeAgent withLogSettings(LogSettings settings) {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("set log settings before the agent starts");
    }
    logSettings = java.util.Objects.requireNonNull(settings);
    return this;
  }

  /** Starts heartbeating, reading the assignment and converging, each on its own thread(s). */
  public synchronized void start() {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("the agent can be started once");
    }
    phase = Phase.STARTED;
    try {
      startThreads();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("node agent {} ({}) started with runtimes {}", nodeId, hostname, runtimes.names());
  }

  private void startThreads() {
    Topics topics = config.topics();
    KafkaProducer<String, String> producer = shared != null ? null
        : new KafkaProducer<>(producerProperties(), new StringSerializer(), new StringSerializer());
    sender = shared != null ? shared.sender() : new KafkaSender(producer, "shoal-agent-send-" + nodeId);
    // Signed where handed over, one batch at a time, so sequences go out in order; a status replaced
    // while waiting for the batch before it never takes a sequence.
    StatusPublisher publisher = new StatusPublisher(new CoalescingStatusSink(new SignedStatusBatches(
        statuses -> signer.sign(nodeId, statuses), json -> sender.send(topics.taskStatus.name(), nodeId, json)),
        send -> converger.schedule(send, STATUS_GATHERING.toNanos(), TimeUnit.NANOSECONDS)));
    ops = shared != null ? shared.ops() : OpsPool.bounded(nodeId, config.taskParallelism(), OpsPool.STOP_THREADS);
    converger = Executors.newSingleThreadScheduledExecutor(threads("shoal-agent-converge-" + nodeId + "-"));
    passRequests = new PassRequests(converger, PASS_SPACING, System::nanoTime, this::pass);
    supervisor = new TaskSupervisor(nodeId, runtimes, publisher, ops, passRequests::now, passRequests::soon,
        System::currentTimeMillis, config.drainDelay(), StartReports.afterQuiet(publisher, START_QUIET,
            (action, after) -> converger.schedule(action, after.toMillis(), TimeUnit.MILLISECONDS)));
    runtimes.all().forEach(r -> r.onChange(passRequests::now));
    Duration resyncInterval = config.resyncInterval();
    long resync = resyncInterval.toMillis();
    converger.scheduleWithFixedDelay(() -> passRequests.resync(resyncInterval), resync, resync, TimeUnit.MILLISECONDS);

    KafkaContact contact = KafkaContact.monotonic();
    FenceGuard guard = null;
    if (!config.fencingTimeout().isZero()) {
      long check = FenceGuard.period(config.fencingTimeout()).toMillis();
      guard = new FenceGuard(nodeId, config.fencingTimeout(), contact, supervisor, passRequests::now);
      converger.scheduleWithFixedDelay(guard, check, check, TimeUnit.MILLISECONDS);
    }
    if (metrics != null) {
      FenceGuard g = guard;
      metrics.bindHeartbeats(contact::sent, contact::acknowledgements, contact::silence);
      metrics.bindFencing(() -> g != null && g.fenced(), () -> g == null ? 0 : g.fencings(), config.fencingTimeout());
      metrics.bindRunning(supervisor::runningTasks);
      metrics.bindPasses(passes::get);
    }
    Heartbeater heartbeater = new Heartbeater(nodeId, NodeDescriptions.describe(config, hostname, runtimes),
        shared != null ? shared.heartbeatSender() : sender, topics.heartbeats.name(),
        System::currentTimeMillis, contact,
        config.joinToken() == null ? null : JoinTokens.proof(config.joinToken(), nodeId, signer.publicKey()), signer,
        config.heartbeatInterval().toMillis());
    // Fixed delay, not rate: after Kafka was away, beats resume instead of bursting to catch up.
    long interval = config.heartbeatInterval().toMillis();
    if (shared != null) {
      sharedBeats = shared.heartbeatClock().scheduleWithFixedDelay(heartbeater, 0, interval, TimeUnit.MILLISECONDS);
    } else {
      heartbeats = Executors.newSingleThreadScheduledExecutor(threads("shoal-agent-heartbeat-" + nodeId + "-"));
      heartbeats.scheduleWithFixedDelay(heartbeater, 0, interval, TimeUnit.MILLISECONDS);
    }

    startLogShipper(topics);
    if (shared != null) {
      shared.assignments().subscribe(nodeId, this::onAssignment);
      return;
    }
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(),
        new ByteArrayDeserializer());
    if (metrics != null) {
      metrics.bindKafka(producer, consumer);
    }
    reader = new AssignmentReader(consumer, topics.assignments.name(), nodeId, topics.assignments.valueSerde().deserializer(), this::onAssignment);
    readerThread = threads("shoal-agent-assignments-" + nodeId + "-").newThread(reader);
    readerThread.start();
  }

  /** Task output to {@code shoal.logs}, on its own thread and producer: it never queues before a heartbeat. */
  private void startLogShipper(Topics topics) {
    List<TaskOutputs> outputs = runtimes.all().stream().flatMap(r -> r.outputs().stream()).toList();
    if (outputs.isEmpty()) {
      return;
    }
    logShipper = LogShipper.toKafka(nodeId, outputs, config.dataDir(), config.bootstrapServers(),
        config.kafkaProperties(), topics.logs.name(), logSettings,
        metrics != null ? metrics.logCounters() : LogCounters.NONE);
    if (metrics != null) {
      metrics.bindKafka(logShipper.producer());
    }
    logShipper.start();
  }

  private void onAssignment(NodeSets.AssignedSet a) {
    if (a.refusal() != null) {
      LOG.error("node {} could not join the cluster: {}", nodeId, a.refusal());
      refused.complete(a.refusal());
      return;
    }
    supervisor.assign(a.tasks());
  }

  /**
   * Completes with the reason when the cluster refused this node (a wrong or rotated join token);
   * the agent then runs nothing, and its owner should close it and say why.
   */
  public CompletableFuture<String> refused() {
    return refused;
  }

  /** Convergence passes run so far (what {@code bench scale} adds up over its hollow nodes). */
  public long convergencePasses() {
    return passes.get();
  }

  private void pass() {
    passes.incrementAndGet();
    try {
      // Fencing (FenceGuard, on this same thread) switches the supervisor into stopping everything.
      supervisor.converge();
    } catch (RuntimeException | Error e) {
      LOG.error("convergence pass of node {} failed", nodeId, e);
    }
  }

  Map<String, Object> producerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "shoal-agent-" + nodeId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // No linger (Kafka 4's default is 5 ms): statuses already leave in batches (CoalescingStatusSink,
    // one request in flight), and each waited-for RUNNING report would otherwise pay the linger twice.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
    // The agent sends a few records a second. With one request in flight, a first batch that is
    // retried (a topic just created) cannot be overtaken by the next one, which the broker would
    // then accept, leaving the first failing as out of order until it expires (KAFKA-15591).
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.putAll(config.kafkaProperties());
    return p;
  }

  Map<String, Object> consumerProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "shoal-agent-" + nodeId + "-assignments");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The orchestrator writes assignments in transactions: never act on an aborted one.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.putAll(config.kafkaProperties());
    return p;
  }

  /** Stops tasks (SIGTERM, then a kill after each one's grace), reports them SHUTDOWN, closes the clients. */
  @Override
  public synchronized void close() {
    if (phase == Phase.CLOSED) {
      return;
    }
    phase = Phase.CLOSED;
    // Null checks: close() also cleans up after a start() that failed half-way.
    if (readerThread != null) {
      reader.close();
      join(readerThread, READER_JOIN);
    }
    if (converger != null) {
      converger.shutdown();
      await(converger, OPS_WAIT);
    }
    if (supervisor != null) {
      supervisor.shutdown("node agent shutting down", OPS_WAIT);
    }
    if (ops != null) {
      ops.shutdown();
    }
    if (logShipper != null) {
      logShipper.close(); // the stopped tasks' last lines, within its drain timeout
    }
    if (sender != null && shared == null) {
      sender.closing();
    }
    if (sharedBeats != null) {
      sharedBeats.cancel(false);
    }
    if (heartbeats != null) {
      heartbeats.shutdown();
      await(heartbeats, config.closeTimeout());
    }
    if (sender != null && shared == null) {
      sender.close(config.closeTimeout());
    }
    runtimes.closeAll();
    if (metrics != null) {
      metrics.close();
    }
    lock.close(); // last: until its tasks are stopped, the directory is still this agent's
    LOG.info("node agent {} closed", nodeId);
  }

  /**
   * Stops at once, as a SIGKILL would: no more heartbeats, reports or convergence, and its tasks
   * are neither stopped nor reported. For benchmarks that lose a node (hollow nodes share the JVM).
   */
  public synchronized void halt() {
    phase = Phase.CLOSED;
    if (sharedBeats != null) {
      sharedBeats.cancel(false);
    }
    for (ExecutorService e : new ExecutorService[] {heartbeats, converger}) {
      if (e != null) {
        e.shutdownNow();
      }
    }
    if (ops != null) {
      ops.shutdownNow();
    }
    if (readerThread != null) {
      reader.close();
    }
  }

  private static void join(Thread t, Duration timeout) {
    try {
      t.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(ExecutorService e, Duration timeout) {
    try {
      if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      e.shutdownNow();
    }
  }

  private static ThreadFactory threads(String prefix) {
    return OpsPool.daemons(prefix);
  }
}
