package dev.shoal.ops;

import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.NodeAgentConfig;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shoal agent}: the node agent; one on every host. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a node agent against a Kafka cluster.")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--hostname", description = "Node hostname (default: this machine's).")
  String hostname;

  @Option(names = "--data-dir", defaultValue = "data/agent", description = "Node id, task logs, pid records (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--runtime", defaultValue = "auto", description = "auto, docker or process (default ${DEFAULT-VALUE}).")
  RuntimeChoice runtime;

  @Option(names = "--heartbeat-interval", defaultValue = "1s", description = "Heartbeat period (default ${DEFAULT-VALUE}).")
  String heartbeat;

  @Option(names = "--engine-label", description = "Engine label key=value (repeatable).")
  Map<String, String> engineLabels = new LinkedHashMap<>();

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--join-token", description = "Join token (printed by `shoal dev`; GET /v1/swarm/join-tokens).")
  String joinToken;

  @Option(names = "--fencing-timeout", defaultValue = "6s", description = "Without a heartbeat acknowledged by Kafka"
      + " for this long, stop this node's tasks (the orchestrator has replaced them by then); 0 turns it off."
      + " Keep it above the orchestrator's --node-down-timeout (default ${DEFAULT-VALUE}).")
  String fencingTimeout;

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    NodeAgent agent = shutdown.register(create(bootstrap, new Topics(prefix), hostname, dataDir, runtime,
        Durations.parse(heartbeat), engineLabels, Durations.parse(fencingTimeout), joinToken));
    agent.refused().thenAccept(reason -> {
      System.err.println("shoal agent: could not join the cluster: " + reason);
      System.exit(1);
    });
    agent.start();
    System.out.println("Agent " + agent.nodeId() + " running (Kafka " + bootstrap + "). Ctrl-C stops it and its tasks.");
    shutdown.awaitSignal();
    return 0;
  }

  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          java.time.Duration heartbeat, Map<String, String> engineLabels,
                          java.time.Duration fencingTimeout) {
    return create(bootstrap, topics, hostname, dataDir, runtime, heartbeat, engineLabels, fencingTimeout, null);
  }

  static NodeAgent create(String bootstrap, Topics topics, String hostname, Path dataDir, RuntimeChoice runtime,
                          java.time.Duration heartbeat, Map<String, String> engineLabels,
                          java.time.Duration fencingTimeout, String joinToken) {
    NodeAgentConfig cfg = NodeAgentConfig.builder(bootstrap, dataDir).topics(topics).hostname(hostname)
        .heartbeatInterval(heartbeat).engineLabels(engineLabels).fencingTimeout(fencingTimeout).joinToken(joinToken)
        .build();
    return new NodeAgent(cfg, AgentRuntimes.create(runtime, dataDir));
  }
}
