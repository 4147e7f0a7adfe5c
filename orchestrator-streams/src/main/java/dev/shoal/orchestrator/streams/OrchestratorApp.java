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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the orchestrator topology as a Kafka Streams application with exactly-once processing:
 * creates the topics (replicated min(3, brokers) unless {@link OrchestratorConfig#replicationFactor()}
 * says otherwise; Streams' own topics alike), starts the streams, and closes them cleanly. Several instances with the
 * same application id share the work; standby replicas keep warm copies of the decision state.
 */
public final class OrchestratorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorApp.class);

  private final OrchestratorConfig config;
  private final OrchestratorMetrics metrics;
  private final java.util.concurrent.atomic.AtomicInteger failedThreads = new java.util.concurrent.atomic.AtomicInteger();
  private KafkaStreams streams;
  private StatusPreVerifier preVerifier;

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
    CountDownLatch running = new CountDownLatch(1);
    streams = new KafkaStreams(OrchestratorTopology.build(config.topics(), config.settings(), config.timing(), config.joinPolicy()), props);
    streams.setStateListener((next, prev) -> {
      if (next == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      failedThreads.incrementAndGet();
      LOG.error("orchestrator stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    metrics.bind(streams, config.topics());
    streams.start();
    preVerifier = new StatusPreVerifier(streams, config.topics().taskStatus.name(),
        new StreamsConfig(props).getGlobalConsumerConfigs(config.applicationId() + "-status-pre-verifier"));
    preVerifier.start();
    if (!running.await(awaitRunning.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warn("orchestrator not RUNNING after {} (state {})", awaitRunning, streams.state());
    }
  }

  /** Task statuses whose signatures were checked ahead of the decision thread (0 before start); for tests. */
  public long statusesCheckedAhead() {
    return preVerifier == null ? 0 : preVerifier.checked();
  }

  public KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
  }

  public KafkaStreams streams() {
    return streams;
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
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 10);
    p.put(StreamsConfig.POLL_MS_CONFIG, 5);
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
    // Two tasks (liveness, decisions): one thread each, so a busy decision thread (its commits, a
    // large decision) never delays reading heartbeats and declaring nodes down.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
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
    if (streams != null) {
      streams.close(Duration.ofSeconds(10));
    }
    metrics.unbind();
  }
}
