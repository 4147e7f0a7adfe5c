package dev.shoal.ops;

import dev.shoal.agent.DataDirLock;
import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.NodeAgentConfig;
import dev.shoal.agent.PrivateFiles;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.shoal.metrics.MetricsServer;
import dev.shoal.metrics.ShoalMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shoal agent}: the node agent; one on every host, one per data directory. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a node agent against a Kafka cluster.")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--hostname", description = "Node hostname (default: this machine's).")
  String hostname;

  @Option(names = "--data-dir", defaultValue = "data/agent", description = "Node id, task logs, pid records; one agent"
      + " per directory, locked while it runs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--runtime", defaultValue = "auto", description = "auto, docker or process (default ${DEFAULT-VALUE}).")
  RuntimeChoice runtime;

  @Option(names = "--heartbeat-interval", defaultValue = "1s", converter = Converters.DurationText.class,
      description = "Heartbeat period (default ${DEFAULT-VALUE}).")
  String heartbeat;

  @Option(names = "--engine-label", description = "Engine label key=value (repeatable).")
  Map<String, String> engineLabels = new LinkedHashMap<>();

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--join-token", converter = Converters.JoinToken.class,
      description = "Join token (printed by `shoal dev`; GET /v1/swarm/join-tokens).")
  String joinToken;

  @Option(names = "--kafka-config", description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...)"
      + " for the agent's producer and consumer.")
  Path kafkaConfig;

  @Option(names = "--allow-bind-mount", paramLabel = "PREFIX", converter = Converters.AbsolutePath.class,
      description = "Host path under which tasks may bind-mount (repeatable; none by default). / and the Docker"
      + " socket (and a directory holding it) need their exact path.")
  List<String> allowBindMounts = new ArrayList<>();

  @Option(names = "--fencing-timeout", defaultValue = "6s", converter = Converters.DurationText.class,
      description = "Without a heartbeat acknowledged by Kafka for this long, stop this node's tasks (the"
      + " orchestrator has replaced them by then); 0 turns it off. Keep it above the orchestrator's"
      + " --node-down-timeout (default ${DEFAULT-VALUE}).")
  String fencingTimeout;

  @Mixin
  MetricsOptions metricsOptions = new MetricsOptions();

  @Option(names = "--drain-delay", defaultValue = "1s", converter = Converters.DurationText.class,
      description = "How long a task that publishes a port through the ingress keeps running after it was told"
      + " to stop, before its stop signal, so gateways stop sending it requests first; 0 turns it off"
      + " (default ${DEFAULT-VALUE}).")
  String drainDelay;

  @Option(names = "--task-parallelism", paramLabel = "N", defaultValue = "8",
      description = "How many task starts (container create and start, image pull) and removes this agent runs at"
      + " once, 1 to 256; stops wait out grace periods on threads of their own (default ${DEFAULT-VALUE}).")
  int taskParallelism;

  @Override
  public Integer call() throws Exception {
    metricsOptions.port(); // a bad value is a usage error before anything starts
    Shutdown shutdown = new Shutdown();
    Map<String, Object> kafka = KafkaClientConfig.loadObjects(kafkaConfig);
    ShoalMetrics metrics = shutdown.register(ShoalMetrics.create());
    NodeAgent agent = shutdown.register(create(bootstrap, new Topics(prefix), hostname, dataDir, runtime,
        Durations.parse(heartbeat), engineLabels, Durations.parse(fencingTimeout), joinToken, kafka, allowBindMounts,
        Durations.parse(drainDelay), taskParallelism));
    agent.meterWith(metrics.registry());
    MetricsServer endpoint = metricsOptions.start(metrics);
    if (endpoint != null) {
      shutdown.register(endpoint);
    }
    agent.refused().thenAccept(reason -> {
      System.err.println("shoal agent: could not join the cluster: " + reason);
      System.exit(1);
    });
    agent.start();
    System.out.println("Agent " + agent.nodeId() + " running (Kafka " + bootstrap + "). Ctrl-C stops it and its tasks.");
    System.out.println(endpoint == null ? "Metrics: off" : "Metrics: " + endpoint.url());
    shutdown.awaitSignal();
    return 0;
  }

  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          Duration heartbeat, Map<String, String> engineLabels, Duration fencingTimeout) {
    return create(bootstrap, topics, hostname, dataDir, runtime, heartbeat, engineLabels, fencingTimeout, null);
  }

  /**
   * An agent on {@code dataDir}, locked before any runtime exists: the process runtime adopts (and on
   * exit stops) the tasks it finds there, which must not happen to a directory another agent owns.
   *
   * @throws UsageException for flag values the agent refuses, or a data directory another agent holds
   */
  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          Duration heartbeat, Map<String, String> engineLabels, Duration fencingTimeout,
                          String joinToken) {
    return create(bootstrap, topics, hostname, dataDir, runtime, heartbeat, engineLabels, fencingTimeout, joinToken,
        Map.of(), List.of(), null);
  }

  /**
   * As above, with Kafka client properties ({@code --kafka-config}), the host paths tasks may
   * bind-mount ({@code --allow-bind-mount}) and a drain delay (null: the agent's default).
   */
  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          Duration heartbeat, Map<String, String> engineLabels, Duration fencingTimeout,
                          String joinToken, Map<String, Object> kafka, List<String> allowBindMounts,
                          Duration drainDelay) {
    return create(bootstrap, topics, hostname, dataDir, runtime, heartbeat, engineLabels, fencingTimeout, joinToken,
        kafka, allowBindMounts, drainDelay, null);
  }

  /** As above, with at most {@code taskParallelism} task starts and removes at once (null: the agent's default). */
  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          Duration heartbeat, Map<String, String> engineLabels, Duration fencingTimeout,
                          String joinToken, Map<String, Object> kafka, List<String> allowBindMounts,
                          Duration drainDelay, Integer taskParallelism) {
    NodeAgentConfig cfg;
    try {
      cfg = NodeAgentConfig.builder(bootstrap, dataDir).topics(topics).hostname(hostname).heartbeatInterval(heartbeat)
          .engineLabels(engineLabels).fencingTimeout(fencingTimeout).joinToken(joinToken).kafkaProperties(kafka)
          .drainDelay(drainDelay).taskParallelism(taskParallelism)
          .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    DataDirLock lock;
    try {
      lock = DataDirLock.forAgent(dataDir);
    } catch (DataDirLock.InUseException e) {
      throw new UsageException(e.getMessage() + "; give each agent its own --data-dir", e);
    }
    try {
      // Before any runtime exists: the process runtime adopts the tasks it finds, which a refused
      // agent must leave alone.
      Path key = dataDir.resolve(NodeAgent.KEY_FILE);
      if (java.nio.file.Files.exists(key)) {
        PrivateFiles.requirePrivate(key, "node key file");
      }
      List<ContainerRuntime> runtimes = AgentRuntimes.create(runtime, dataDir, cfg.hostname(), allowBindMounts);
      return new NodeAgent(cfg, lock, runtimes);
    } catch (PrivateFiles.ExposedException e) {
      lock.close();
      throw new UsageException(e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }
}
