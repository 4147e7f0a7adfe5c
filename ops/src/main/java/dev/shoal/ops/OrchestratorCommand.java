package dev.shoal.ops;

import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.orchestrator.streams.OrchestratorConfig;
import dev.shoal.orchestrator.streams.OrchestratorTopology;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import dev.shoal.metrics.MetricsServer;
import dev.shoal.metrics.ShoalMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shoal orchestrator}: one instance of the Kafka Streams orchestrator application. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
    description = "Run the orchestrator (Kafka Streams) against a Kafka cluster.")
final class OrchestratorCommand implements Callable<Integer> {
  /** The lock an instance holds in its state directory. */
  static final String LOCK_FILE = "orchestrator.lock";

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--state-dir", defaultValue = "data/orchestrator", description = "Kafka Streams state; one instance"
      + " per directory, locked while it runs (default ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--standby-replicas", defaultValue = "1", description = "Warm copies of the decision state (default ${DEFAULT-VALUE}).")
  int standbys;

  @Option(names = "--node-down-timeout", defaultValue = "3s", converter = Converters.DurationText.class, description = "Silence after which a node is down (default ${DEFAULT-VALUE}).")
  String downTimeout;

  @Option(names = "--cluster-secret-file", description = "File with the cluster secret join tokens derive from"
      + " (mode 600; `shoal dev` creates <data-dir>/cluster-secret). Required unless --insecure-open-join.")
  Path secretFile;

  @Option(names = "--insecure-open-join", description = "Run without a cluster secret: any agent that can write"
      + " the heartbeats topic joins. For development only.")
  boolean insecureOpenJoin;

  @Option(names = "--kafka-config", description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...)"
      + " for every Kafka client of the orchestrator (Kafka Streams and its admin client).")
  Path kafkaConfig;

  @Option(names = "--task-history", defaultValue = "5", description = "Tasks kept per slot (default ${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--session-timeout", defaultValue = "10s", converter = Converters.DurationText.class, description = "How long the other instances wait for"
      + " a silent one before taking over its work: the Kafka consumer session timeout, at least the broker's"
      + " group.min.session.timeout.ms (6s unless changed) (default ${DEFAULT-VALUE}).")
  String sessionTimeout;

  @Option(names = "--replication-factor", description = "Replicas of every topic the orchestrator creates (Shoal's"
      + " and Kafka Streams' own); min.insync.replicas is 2 from 3 replicas on, else 1 (default: min(3, brokers"
      + " the cluster reports at start)).")
  Short replicationFactor;

  @Option(names = "--client-id", description = "Prefix of this instance's Kafka client ids, as consumer group"
      + " listings show them (default: Kafka Streams' own, with a random process id).")
  String clientId;

  @Mixin
  MetricsOptions metricsOptions = new MetricsOptions();

  @Override
  public Integer call() throws Exception {
    metricsOptions.port(); // a bad value is a usage error before anything starts
    if (standbys < 0) {
      throw new UsageException("--standby-replicas must be 0 or more, got " + standbys);
    }
    if (history < 1) {
      throw new UsageException("--task-history must be 1 or more, got " + history);
    }
    byte[] secret = ClusterSecret.forOrchestrator(secretFile, insecureOpenJoin);
    if (replicationFactor != null && replicationFactor < 1) {
      throw new UsageException("--replication-factor must be 1 or more, got " + replicationFactor);
    }
    Map<String, Object> clients = failover(dev.shoal.schemas.Durations.parse(sessionTimeout), clientId);
    if (replicationFactor != null) {
      clients.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor);
    }
    clients.putAll(KafkaClientConfig.load(kafkaConfig));
    Shutdown shutdown = new Shutdown();
    // Kafka Streams locks its task directories too, but only once it runs, and says so in a stack trace.
    shutdown.register(Locks.acquire(stateDir, LOCK_FILE, "orchestrator instance"));
    ShoalMetrics metrics = shutdown.register(ShoalMetrics.create());
    MetricsServer endpoint = metricsOptions.start(metrics);
    if (endpoint != null) {
      shutdown.register(endpoint);
    }
    OrchestratorApp app = shutdown.register(new OrchestratorApp(config(bootstrap, stateDir, prefix, standbys,
        dev.shoal.schemas.Durations.parse(downTimeout), history, clients).withClusterSecret(secret),
        metrics.registry()));
    app.start(Duration.ofSeconds(60));
    System.out.println("Orchestrator " + app.state() + " against " + bootstrap + ". Ctrl-C stops it.");
    System.out.println(endpoint == null ? "Metrics: off" : "Metrics: " + endpoint.url());
    shutdown.awaitSignal();
    return 0;
  }

  static OrchestratorConfig config(String bootstrap, Path stateDir, String prefix, int standbys, Duration downTimeout,
                                   int history) {
    return config(bootstrap, stateDir, prefix, standbys, downTimeout, history, Map.of());
  }

  static OrchestratorConfig config(String bootstrap, Path stateDir, String prefix, int standbys, Duration downTimeout,
                                   int history, Map<String, Object> extraStreamsConfig) {
    Topics topics = new Topics(prefix);
    OrchestratorTopology.Timing t = OrchestratorTopology.Timing.DEFAULTS;
    return new OrchestratorConfig(bootstrap, topics, prefix + "shoal-orchestrator", stateDir, standbys,
        new OrchestratorSettings(history), new OrchestratorTopology.Timing(downTimeout, t.livenessCheckInterval()),
        extraStreamsConfig);
  }

  /**
   * Streams settings for taking over from an instance that died. Kafka's default session timeout
   * (45 s) would leave the control task, and with it every decision, waiting that long after a
   * SIGKILL; heartbeats at a fifth of the session keep a busy but live instance from being dropped.
   */
  static Map<String, Object> failover(Duration sessionTimeout, String clientId) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) sessionTimeout.toMillis());
    m.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        (int) Math.max(100, sessionTimeout.toMillis() / 5));
    if (clientId != null && !clientId.isBlank()) {
      m.put(StreamsConfig.CLIENT_ID_CONFIG, clientId);
    }
    return m;
  }
}
