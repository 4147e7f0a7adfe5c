package dev.shoal.ops;

import dev.shoal.agent.NodeAgent;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.ingress.IngressConfig;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal dev}: everything in one JVM — an embedded Kafka broker, the orchestrator, the
 * gateway and a few agents — for trying Shoal on one machine.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run Kafka, the orchestrator, the gateway and node agents in one process.")
final class DevCommand implements Callable<Integer> {
  @Option(names = "--api-port", defaultValue = "2375", converter = Converters.Port.class, description = "Gateway port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--kafka-port", defaultValue = "9092", converter = Converters.Port.class, description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--agents", defaultValue = "3", description = "Node agents to run (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--runtime", defaultValue = "auto", description = "auto, docker or process (default ${DEFAULT-VALUE}).")
  RuntimeChoice runtime;

  @Option(names = "--data-dir", defaultValue = "data", description = "Where Kafka, the orchestrator and agents keep"
      + " state; one shoal dev per directory, locked while it runs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--node-down-timeout", defaultValue = "3s", converter = Converters.DurationText.class, description = "Silence after which a node is down (default ${DEFAULT-VALUE}).")
  String downTimeout;

  @Option(names = "--ingress-host", defaultValue = IngressConfig.DEFAULT_HOST, description = "Address the services'"
      + " published ports bind, e.g. 0.0.0.0 (default ${DEFAULT-VALUE}).")
  String ingressHost;

  @Option(names = "--drain-delay", defaultValue = "1s", converter = Converters.DurationText.class,
      description = "How long a task that publishes a port keeps running after it was told to stop, before its"
      + " stop signal, so the gateway stops sending it requests first; 0 turns it off (default ${DEFAULT-VALUE}).")
  String drainDelay;

  @Override
  public Integer call() throws Exception {
    if (agents < 0) {
      throw new UsageException("--agents must be 0 or more, got " + agents);
    }
    Shutdown shutdown = new Shutdown();
    // First of all: a second shoal dev on this directory would share its broker's, orchestrator's
    // and agents' state; it stops here, before it could touch any of them.
    shutdown.register(Locks.acquire(dataDir, "dev.lock", "shoal dev"));
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown::closeAll, "shoal-dev-shutdown"));
    try {
      start(shutdown);
    } catch (Exception e) {
      shutdown.closeAll();
      throw e;
    }
    shutdown.awaitSignal();
    return 0;
  }

  private void start(Shutdown shutdown) throws Exception {
    progress("starting Kafka on 127.0.0.1:" + kafkaPort);
    shutdown.register(Locks.acquire(dataDir.resolve("kafka"), KafkaCommand.LOCK_FILE, "Kafka broker"));
    EmbeddedKafka kafka = shutdown.register(EmbeddedKafka.builder().port(kafkaPort).dataDir(dataDir.resolve("kafka")).build());
    kafka.start();
    String bootstrap = kafka.bootstrapServers();

    progress("starting the orchestrator");
    Duration down = dev.shoal.schemas.Durations.parse(downTimeout);
    Path secretFile = dataDir.resolve("cluster-secret");
    byte[] secret = ClusterSecret.loadOrCreate(secretFile);
    shutdown.register(Locks.acquire(dataDir.resolve("orchestrator"), OrchestratorCommand.LOCK_FILE, "orchestrator instance"));
    OrchestratorApp orchestrator = shutdown.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap,
        dataDir.resolve("orchestrator"), "", 0, down, 5).withClusterSecret(secret)));
    orchestrator.start(Duration.ofSeconds(60));

    progress("starting the gateway on 127.0.0.1:" + apiPort);
    GatewayServer gateway = shutdown.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", apiPort)
        .withClusterSecret(secret), IngressConfig.defaults().withHost(ingressHost)));
    gateway.start();
    ClusterInfo info = gateway.backend().clusterInfo();
    String workerToken = JoinTokens.token(secret, JoinTokens.WORKER, info.workerTokenGeneration());
    String managerToken = JoinTokens.token(secret, JoinTokens.MANAGER, info.managerTokenGeneration());

    java.util.List<NodeAgent> started = new java.util.ArrayList<>();
    shutdown.register(Shutdown.inParallel(started));
    for (int i = 1; i <= agents; i++) {
      NodeAgent agent = AgentCommand.create(bootstrap, Topics.defaults(), "node-" + i,
          dataDir.resolve("agent-" + i), runtime, Duration.ofSeconds(1), Map.of(), down.multipliedBy(2), workerToken,
          dev.shoal.schemas.Durations.parse(drainDelay));
      started.add(agent);
      agent.start();
      progress("agent node-" + i + " started (node id " + agent.nodeId() + ")");
    }
    System.out.println();
    System.out.println("Shoal is running.");
    System.out.println("  API:    http://127.0.0.1:" + gateway.port() + "   (try: curl http://127.0.0.1:" + gateway.port() + "/v1/nodes)");
    System.out.println("  Ports:  services' published ports open on " + ingressHost + "   (GET /v1/ingress)");
    System.out.println("  Kafka:  " + bootstrap);
    System.out.println("  Data:   " + dataDir.toAbsolutePath());
    System.out.println();
    System.out.println("To add a worker, run:");
    System.out.println("  java -jar ops/target/shoal.jar agent --bootstrap-servers " + bootstrap + " --join-token "
        + workerToken + " --hostname <name> --data-dir <dir>");
    System.out.println("Manager token: " + managerToken);
    System.out.println("(tokens: GET /v1/swarm/join-tokens; rotate: POST /v1/swarm/join-tokens/rotate?role=worker)");
    System.out.println("Ctrl-C stops everything.");
  }

  private static void progress(String what) {
    System.out.println("[shoal dev] " + what + "...");
  }
}
