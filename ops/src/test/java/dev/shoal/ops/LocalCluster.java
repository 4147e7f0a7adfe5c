package dev.shoal.ops;

import dev.shoal.agent.NodeAgent;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: orchestrator, gateway and agents in this JVM against a given broker and topic prefix. */
final class LocalCluster implements AutoCloseable {
  final Topics topics;
  final OrchestratorApp orchestrator;
  final GatewayServer gateway;
  final List<NodeAgent> agents = new ArrayList<>();
  private final Shutdown shutdown = new Shutdown();

  LocalCluster(String bootstrap, String prefix, Path dir, int agentCount, RuntimeChoice runtime) throws Exception {
    this(bootstrap, prefix, dir, agentCount, runtime, Duration.ofSeconds(3));
  }

  /**
   * With a node-down timeout of its own (agents fence after twice that): a longer one keeps a test
   * that is not about failures from seeing live nodes declared down on a loaded machine.
   */
  LocalCluster(String bootstrap, String prefix, Path dir, int agentCount, RuntimeChoice runtime, Duration nodeDown)
      throws Exception {
    this(bootstrap, prefix, dir, agentCount, runtime, nodeDown, nodeDown.multipliedBy(2));
  }

  /** With a fencing timeout of its own for the agents, too. */
  LocalCluster(String bootstrap, String prefix, Path dir, int agentCount, RuntimeChoice runtime, Duration nodeDown,
               Duration fencing) throws Exception {
    topics = new Topics(prefix);
    orchestrator = shutdown.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap, dir.resolve("orchestrator"),
        prefix, 0, nodeDown, 5)));
    orchestrator.start(Duration.ofSeconds(60));
    gateway = shutdown.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withTopics(topics)
        .withListener("127.0.0.1", 0)));
    gateway.start();
    for (int i = 1; i <= agentCount; i++) {
      NodeAgent a = shutdown.register(AgentCommand.create(bootstrap, topics, "node-" + i, dir.resolve("agent-" + i),
          runtime, Duration.ofMillis(500), Map.of(), fencing));
      a.start();
      agents.add(a);
    }
  }

  String api() {
    return "http://127.0.0.1:" + gateway.port();
  }

  @Override
  public void close() {
    shutdown.closeAll();
  }
}
