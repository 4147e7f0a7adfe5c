package dev.shoal.ops;

import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.orchestrator.streams.OrchestratorConfig;
import dev.shoal.orchestrator.streams.OrchestratorTopology;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shoal orchestrator}: one instance of the Kafka Streams orchestrator application. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
    description = "Run the orchestrator (Kafka Streams) against a Kafka cluster.")
final class OrchestratorCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--state-dir", defaultValue = "data/orchestrator", description = "Kafka Streams state (default ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--standby-replicas", defaultValue = "1", description = "Warm copies of the decision state (default ${DEFAULT-VALUE}).")
  int standbys;

  @Option(names = "--node-down-timeout", defaultValue = "3s", description = "Silence after which a node is down (default ${DEFAULT-VALUE}).")
  String downTimeout;

  @Option(names = "--task-history", defaultValue = "5", description = "Tasks kept per slot (default ${DEFAULT-VALUE}).")
  int history;

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    OrchestratorApp app = shutdown.register(new OrchestratorApp(config(bootstrap, stateDir, prefix, standbys,
        dev.shoal.schemas.Durations.parse(downTimeout), history)));
    app.start(Duration.ofSeconds(60));
    System.out.println("Orchestrator " + app.state() + " against " + bootstrap + ". Ctrl-C stops it.");
    shutdown.awaitSignal();
    return 0;
  }

  static OrchestratorConfig config(String bootstrap, Path stateDir, String prefix, int standbys, Duration downTimeout,
                                   int history) {
    Topics topics = new Topics(prefix);
    OrchestratorTopology.Timing t = OrchestratorTopology.Timing.DEFAULTS;
    return new OrchestratorConfig(bootstrap, topics, prefix + "shoal-orchestrator", stateDir, standbys,
        new OrchestratorSettings(history), new OrchestratorTopology.Timing(downTimeout, t.livenessCheckInterval(),
        t.timerCheckInterval()), Map.of());
  }
}
