package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.metrics.OrchestratorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the orchestrator topology as two Kafka Streams applications with exactly-once processing —
 * the decisions, and liveness with its own commit pace ({@link #livenessProperties}). It
 * creates the topics (replicated min(3, brokers) unless {@link OrchestratorConfig#replicationFactor()}
 * says otherwise; Streams' own topics alike), starts the streams, and closes them cleanly. Several instances with the
 * same application id share the work; standby replicas keep warm copies of the decision state.
 */
public final class OrchestratorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorApp.class);

  private final OrchestratorConfig config;
  private final OrchestratorMetrics metrics;
  private final java.util.concurrent.atomic.AtomicInteger failedThreads = new java.util.concurrent.atomic.AtomicInteger();
  /** How often liveness commits what it read; see {@link #livenessProperties}. */
  static final int LIVENESS_COMMIT_INTERVAL_MS = 500;
  static final int LIVENESS_POLL_MS = 25;
  /**
   * How long the decisions may go on reading inputs that keep arriving before they commit (a
   * lone input commits at once, see {@link InputProgress}). At 10 ms, under a flood of task
   * statuses, a commit followed every few records and 10,000 hollow tasks took 49.5 s to all run;
   * at 100 ms, 18.5 s (docs/benchmarks.md, Scale).
   */
  static final int DECISIONS_COMMIT_INTERVAL_MS = 100;
  /** The decisions' producer batches: large for a decision's burst, under the topics' 1 MiB + 12 byte batch limit. */
  static final int DECISIONS_BATCH_BYTES = 256 * 1024;
  /**
   * Streams' default under exactly-once is 10 s. A 10,000-task decision's flush took up to 19 s at
   * load 30–50 uncompressed, and still 9.9 s compressed at load ≈ 60. It is also how long a crashed
   * instance's open transaction holds readers (and its successor's restore) back (docs/design.md).
   */
  static final int DECISIONS_TRANSACTION_TIMEOUT_MS = 30_000;

  private final InputProgress inputProgress = new InputProgress();
  private KafkaStreams streams;
  private KafkaStreams liveness;
  private SignaturePreVerifier preVerifier;
  private SignaturePreVerifier heartbeatPreVerifier;

  public OrchestratorApp(OrchestratorConfig config) {
    this(config, null);
  }

  /** An application whose decisions, cluster state and Kafka Streams metrics go to {@code registry} (null: none). */
  public OrchestratorApp(OrchestratorConfig config, MeterRegistry registry) {
    this.config = config;
    this.metrics = registry == null ? OrchestratorMetrics.NONE : OrchestratorMetrics.create(registry);
  }

  /** Creates missing topics and starts processing; returns once the application is RUNNING or the timeout passed. */
  public void start(Duration awaitRunning) throws Exception {
    // The same client settings as the Streams clients (security included), as Streams' own admin gets them.
    TopicProvisioner.Replication replication;
    try (Admin admin = Admin.create(new StreamsConfig(properties()).getAdminConfigs(config.applicationId() + "-topics"))) {
      replication = TopicProvisioner.replication(admin, config.replicationFactor());
      List<String> created = TopicProvisioner.ensure(admin, config.topics(), replication);
      if (!created.isEmpty()) {
        LOG.info("created topics {} with replication {}", created, replication);
      }
    }
    Properties props = properties();
    // Changelogs and repartition topics as replicated as Shoal's own topics: a lost broker loses no decision state.
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication.factor());
    props.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(replication.minInsync()));
    CountDownLatch running = new CountDownLatch(2);
    streams = startable(OrchestratorTopology.buildDecisions(config.topics(), config.settings(), config.timing(),
        config.joinPolicy(), inputProgress), props, running);
    ProcessedOffset livenessRead = new ProcessedOffset();
    liveness = startable(OrchestratorTopology.buildLiveness(config.topics(), config.timing(), livenessRead),
        livenessProperties(props), running);
    metrics.bind(List.of(streams, liveness), config.topics());
    liveness.start();
    streams.start();
    TopicPartition statusLog = new TopicPartition(config.topics().taskStatus.name(), 0);
    preVerifier = SignaturePreVerifier.forStatuses(streams, liveness, config.topics().taskStatus.name(),
        new StreamsConfig(props).getGlobalConsumerConfigs(config.applicationId() + "-status-pre-verifier"),
        () -> inputProgress.nextToProcess(statusLog));
    preVerifier.start();
    heartbeatPreVerifier = SignaturePreVerifier.forHeartbeats(liveness, config.topics().heartbeats.name(),
        new StreamsConfig(props).getGlobalConsumerConfigs(config.applicationId() + "-heartbeat-pre-verifier"),
        livenessRead);
    heartbeatPreVerifier.start();
    if (!running.await(awaitRunning.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warn("orchestrator not RUNNING after {} (decisions {}, liveness {})", awaitRunning, streams.state(),
          liveness.state());
    }
  }

  private KafkaStreams startable(org.apache.kafka.streams.Topology topology, Properties props, CountDownLatch running) {
    KafkaStreams s = new KafkaStreams(topology, props);
    java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean();
    s.setStateListener((next, prev) -> {
      if (next == KafkaStreams.State.RUNNING && counted.compareAndSet(false, true)) {
        running.countDown();
      }
    });
    s.setUncaughtExceptionHandler(e -> {
      failedThreads.incrementAndGet();
      LOG.error("orchestrator stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    return s;
  }

  /**
   * Liveness's own application: its own consumer group, transactions and commit interval. In one
   * application with the decisions it committed every 10 ms like them, and Kafka Streams processes
   * fewer records per iteration after every commit, so when a commit took longer than that (a busy
   * broker: 0.7–1.3 s at 1,000 nodes on the 2-core machine) liveness read one heartbeat per
   * transaction — about one a second against 1,000 written — fell minutes behind, and
   * {@code NodeDownRule} rightly declared nobody down. Committing every
   * {@value #LIVENESS_COMMIT_INTERVAL_MS} ms, it reads the heartbeats of that whole interval per
   * transaction; a node-down it publishes asks for a commit at once, so detection is not delayed.
   */
  private Properties livenessProperties(Properties decisions) {
    Properties p = new Properties();
    p.putAll(decisions);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, livenessApplicationId(config.applicationId()));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, LIVENESS_COMMIT_INTERVAL_MS);
    // Heartbeats end a poll the moment they arrive; the poll time only bounds how late the liveness
    // check's punctuation runs, and how often an idle thread (and its global store's) wakes: at the
    // decisions' 5 ms, 200 times a second each, most of an idle orchestrator's CPU.
    p.put(StreamsConfig.POLL_MS_CONFIG, LIVENESS_POLL_MS);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // Group commit is the decisions' alone: liveness commits at its interval and on a node-down.
    p.remove(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG));
    p.remove(StreamsConfig.mainConsumerPrefix(InputProgress.CONFIG_KEY));
    Object clientId = decisions.get(StreamsConfig.CLIENT_ID_CONFIG);
    if (clientId != null) {
      p.put(StreamsConfig.CLIENT_ID_CONFIG, clientId + "-liveness");
    }
    return p;
  }

  /** The liveness application's id: the orchestrator's, so ACLs prefixed by it cover both. */
  public static String livenessApplicationId(String applicationId) {
    return applicationId + "-liveness";
  }

  /** Heartbeats whose signatures were checked ahead of liveness (0 before start); for tests. */
  public long heartbeatsCheckedAhead() {
    return heartbeatPreVerifier == null ? 0 : heartbeatPreVerifier.checked();
  }

  /** Task statuses whose signatures were checked ahead of the decision thread (0 before start); for tests. */
  public long statusesCheckedAhead() {
    return preVerifier == null ? 0 : preVerifier.checked();
  }

  /** The decisions' state, unless liveness is worse off (not RUNNING while they are). */
  public KafkaStreams.State state() {
    if (streams == null) {
      return KafkaStreams.State.NOT_RUNNING;
    }
    KafkaStreams.State s = streams.state();
    return s == KafkaStreams.State.RUNNING ? liveness.state() : s;
  }

  /** The decision application. */
  public KafkaStreams streams() {
    return streams;
  }

  /** The liveness application (heartbeats in, node up and down out). */
  public KafkaStreams liveness() {
    return liveness;
  }

  /**
   * How many stream threads have died with an uncaught exception since start (each was replaced).
   * Invariant 6 says no record stops a processor, so anything above 0 is a bug; tests read this
   * because a replaced thread looks healthy again a moment later.
   */
  public int failedThreads() {
    return failedThreads.get();
  }

  Properties properties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    // A transaction commits as soon as the decision task has processed every input fetched
    // (InputProgress), so a lone write does not wait for the interval; the interval only bounds a
    // transaction while inputs keep queuing, where a longer one means fewer, larger transactions.
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DECISIONS_COMMIT_INTERVAL_MS);
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
        FetchedOffsetsInterceptor.class.getName());
    p.put(StreamsConfig.mainConsumerPrefix(InputProgress.CONFIG_KEY), inputProgress);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    // A record that cannot be read is skipped and logged, never a stopped stream (invariant 6).
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizedRecordHandler.class);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    // A transaction begun right after the last one committed may meet its markers still being
    // written (CONCURRENT_TRANSACTIONS): retry within milliseconds, not after the default 100 ms,
    // or every write answered soon after another waits a tenth of a second.
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 100);
    // One request in flight: the first writes to a just-created changelog partition otherwise race
    // (CONCURRENT_TRANSACTIONS then OUT_OF_ORDER_SEQUENCE_NUMBER on a fresh cluster, cf. KAFKA-15591).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
    // One decision that places a spec's 10,000 replicas writes each task, its changelog copy and
    // its assignment, every one with the spec: ~40 MB in one transaction. With one request in
    // flight and 16 KB batches that was hundreds of round trips, and on a loaded machine the commit's
    // flush took longer than Streams' 10 s transaction timeout: the broker aborted it, the task was
    // fenced, restored and met the same decision again (docs/benchmarks.md, Scale). Compressed (the
    // records repeat the spec) in batches of up to 256 KB (under the topics' 1 MiB batch limit), it
    // is tens of requests; the timeout leaves room for a slow broker. Snappy rather than lz4: Kafka's
    // lz4 stream allocates two 64 KB buffers for every batch, and a write's decision opens about
    // eight (one per partition it writes): a third of everything `shoal dev` allocated while
    // answering writes, and half a millisecond of the decision thread each. Snappy's streams reuse
    // their buffers; uncompressed, a placement's records were six times the bytes
    // (docs/benchmarks.md, API write latency).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "snappy");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), DECISIONS_BATCH_BYTES);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), DECISIONS_TRANSACTION_TIMEOUT_MS);
    // One task (the decisions); liveness is an application of its own (livenessProperties), so a busy
    // decision thread (its commits, a large decision) never delays reading heartbeats and declaring nodes down.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.putAll(config.extraStreamsConfig());
    // Processors find the metrics among their application configs (OrchestratorMetrics.of).
    p.put(OrchestratorMetrics.CONFIG_KEY, metrics);
    return p;
  }

  @Override
  public void close() {
    if (preVerifier != null) {
      preVerifier.close();
    }
    if (heartbeatPreVerifier != null) {
      heartbeatPreVerifier.close();
    }
    if (streams != null) {
      streams.close(Duration.ofSeconds(10));
    }
    if (liveness != null) {
      liveness.close(Duration.ofSeconds(10));
    }
    metrics.unbind();
  }
}
