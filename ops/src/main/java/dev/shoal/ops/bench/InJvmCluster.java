package dev.shoal.ops.bench;

import dev.shoal.agent.NodeAgent;
import dev.shoal.agent.NodeAgentConfig;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.orchestrator.streams.OrchestratorConfig;
import dev.shoal.orchestrator.streams.OrchestratorTopology;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A whole Shoal cluster in this JVM for benchmarks, as {@code shoal dev} runs it but on free ports
 * and under one directory: an embedded broker, the orchestrator (no standby), the gateway and
 * agents with the process runtime. {@link #close()} stops them in the reverse order, so agents stop
 * their tasks while Kafka still runs.
 */
public final class InJvmCluster implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final GatewayServer gateway;
  private final ApiClient api;
  private final String bootstrapServers;

  /** An agent's runtimes, made for the agent's data directory (null from it: the process runtime alone). */
  public interface RuntimesFactory {
    List<dev.shoal.agent.runtime.ContainerRuntime> create(Path agentDir) throws Exception;
  }

  private InJvmCluster(Path dir, int agents, Duration nodeDownTimeout, PrintStream progress, RuntimesFactory runtimes,
                       Integer taskParallelism) throws Exception {
    try {
      progress.println("[cluster] starting Kafka");
      EmbeddedKafka kafka = register(EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build());
      kafka.start();
      String bootstrap = kafka.bootstrapServers();
      bootstrapServers = bootstrap;
      progress.println("[cluster] starting the orchestrator against " + bootstrap);
      OrchestratorApp orchestrator = register(new OrchestratorApp(new OrchestratorConfig(bootstrap, Topics.defaults(),
          "shoal-orchestrator", dir.resolve("orchestrator"), 0, OrchestratorSettings.DEFAULTS,
          timing(nodeDownTimeout), Map.of())));
      orchestrator.start(Duration.ofSeconds(60));
      gateway = register(new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", 0)));
      gateway.start();
      progress.println("[cluster] gateway on http://127.0.0.1:" + gateway.port());
      for (int i = 1; i <= agents; i++) {
        Path agentDir = dir.resolve("node-" + i);
        NodeAgentConfig config = NodeAgentConfig.builder(bootstrap, agentDir).hostname("node-" + i)
            .taskParallelism(taskParallelism).build();
        List<dev.shoal.agent.runtime.ContainerRuntime> own = runtimes == null ? null : runtimes.create(agentDir);
        NodeAgent agent = register(own == null ? new NodeAgent(config) : new NodeAgent(config, own));
        agent.start();
      }
      api = new ApiClient("http://127.0.0.1:" + gateway.port());
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Starts the cluster under {@code dir}; returns once the orchestrator runs (the agents may still be joining). */
  public static InJvmCluster start(Path dir, int agents, Duration nodeDownTimeout, PrintStream progress)
      throws Exception {
    return new InJvmCluster(dir, agents, nodeDownTimeout, progress, null, null);
  }

  /** As {@link #start(Path, int, Duration, PrintStream)}, each agent with the runtimes {@code runtimes} makes. */
  public static InJvmCluster start(Path dir, int agents, Duration nodeDownTimeout, PrintStream progress,
                                   RuntimesFactory runtimes) throws Exception {
    return new InJvmCluster(dir, agents, nodeDownTimeout, progress, runtimes, null);
  }

  /** As above, each agent running at most {@code taskParallelism} task starts at once (null: the agent's default). */
  public static InJvmCluster start(Path dir, int agents, Duration nodeDownTimeout, PrintStream progress,
                                   RuntimesFactory runtimes, Integer taskParallelism) throws Exception {
    return new InJvmCluster(dir, agents, nodeDownTimeout, progress, runtimes, taskParallelism);
  }

  private static OrchestratorTopology.Timing timing(Duration nodeDownTimeout) {
    OrchestratorTopology.Timing d = OrchestratorTopology.Timing.DEFAULTS;
    return new OrchestratorTopology.Timing(nodeDownTimeout, d.livenessCheckInterval());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public ApiClient api() {
    return api;
  }

  private <T extends AutoCloseable> T register(T component) {
    started.push(component);
    return component;
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("closing " + c.getClass().getSimpleName() + " failed: " + e);
      }
    }
  }
}
