package dev.shoal.ops;

import dev.shoal.agent.NodeAgent;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.ingress.IngressConfig;
import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.ops.kafka.ShoalAcls;
import dev.shoal.metrics.ShoalMetrics;
import dev.shoal.orchestrator.streams.OrchestratorApp;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import dev.shoal.gateway.security.ApiSecurity;
import dev.shoal.gateway.security.DockerCertDirectory;
import dev.shoal.schemas.Identifiers;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal dev}: everything in one JVM — an embedded Kafka broker, the orchestrator, the
 * gateway and a few agents — for trying Shoal on one machine.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run Kafka, the orchestrator, the gateway and node agents in one process.")
final class DevCommand implements Callable<Integer> {
  @Option(names = "--api-port", converter = Converters.Port.class, description = "Gateway port on 127.0.0.1 (default 2375,"
      + " 2376 with TLS as Docker's).")
  Integer apiPort;

  @Option(names = "--tls", description = "Serve the API over HTTPS with client certificates required: makes a CA, a"
      + " server and an admin client certificate in <data-dir>/tls (Docker's DOCKER_CERT_PATH layout) and prints"
      + " how to use them.")
  boolean tls;

  @Mixin
  ApiSecurityOptions api = new ApiSecurityOptions();

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

  private ApiSecurity security;

  @Option(names = "--kafka-security", defaultValue = "none", converter = Converters.Security.class,
      description = "How components log in to the embedded broker: none, sasl-ssl or mtls; authenticated, each"
      + " component is its own user, allowed only what its ACLs allow (default ${DEFAULT-VALUE}).")
  KafkaSecurity kafkaSecurity;

  @Option(names = "--kafka-config", description = "Kafka client properties added to every component's Kafka clients.")
  Path kafkaConfig;

  @Option(names = "--allow-bind-mount", paramLabel = "PREFIX", converter = Converters.AbsolutePath.class,
      description = "Host path under which tasks may bind-mount, on every agent (repeatable; none by default).")
  List<String> allowBindMounts = new ArrayList<>();

  @Option(names = "--ingress-host", defaultValue = IngressConfig.DEFAULT_HOST, description = "Address the services'"
      + " published ports bind, e.g. 0.0.0.0 (default ${DEFAULT-VALUE}).")
  String ingressHost;

  @Option(names = "--drain-delay", defaultValue = "1s", converter = Converters.DurationText.class,
      description = "How long a task that publishes a port keeps running after it was told to stop, before its"
      + " stop signal, so the gateway stops sending it requests first; 0 turns it off (default ${DEFAULT-VALUE}).")
  String drainDelay;

  @Option(names = "--task-parallelism", paramLabel = "N", defaultValue = "8",
      description = "How many task starts and removes each agent runs at once, 1 to 256; stops wait out grace"
      + " periods on threads of their own (default ${DEFAULT-VALUE}).")
  int taskParallelism;

  @Override
  public Integer call() throws Exception {
    if (taskParallelism < 1 || taskParallelism > dev.shoal.agent.NodeAgentConfig.MAX_TASK_PARALLELISM) {
      // Before Kafka and the orchestrator start, not at the first agent.
      throw new UsageException("--task-parallelism must be 1 to " + dev.shoal.agent.NodeAgentConfig.MAX_TASK_PARALLELISM
          + ", got " + taskParallelism);
    }
    if (agents < 0) {
      throw new UsageException("--agents must be 0 or more, got " + agents);
    }
    if (tls && api.tlsFilesGiven()) {
      throw new UsageException("give --tls (certificates made in the data directory) or the --tls-* files, not both");
    }
    Shutdown shutdown = new Shutdown();
    // First of all: a second shoal dev on this directory would share its broker's, orchestrator's
    // and agents' state; it stops here, before it could touch any of them.
    shutdown.register(Locks.acquire(dataDir, "dev.lock", "shoal dev"));
    ApiSecurity wanted = api.security(tls ? DockerCertDirectory.prepare(certDir(), clientPrincipal(),
        List.of("localhost", "127.0.0.1", "::1")) : ApiSecurity.none(), false);
    if (apiPort == null) {
      apiPort = wanted.tls() ? 2376 : 2375;
    }
    security = ApiSecurityOptions.checked(wanted, "127.0.0.1", apiPort);
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
    EmbeddedKafka kafka = shutdown.register(EmbeddedKafka.builder().port(kafkaPort).dataDir(dataDir.resolve("kafka"))
        .security(kafkaSecurity).users(ShoalAcls.USERS).build());
    kafka.start();
    ShoalAcls.applyTo(kafka, Topics.defaults());
    String bootstrap = kafka.bootstrapServers();
    Map<String, String> extra = KafkaClientConfig.load(kafkaConfig);

    // One registry for the whole process: the JVM is counted once, and the gateway's /metrics serves
    // every component's series (told apart by name, and agents by their node label).
    ShoalMetrics metrics = shutdown.register(ShoalMetrics.create());

    progress("starting the orchestrator");
    Duration down = dev.shoal.schemas.Durations.parse(downTimeout);
    Path secretFile = dataDir.resolve("cluster-secret");
    byte[] secret = ClusterSecret.loadOrCreate(secretFile);
    shutdown.register(Locks.acquire(dataDir.resolve("orchestrator"), OrchestratorCommand.LOCK_FILE, "orchestrator instance"));
    OrchestratorApp orchestrator = shutdown.register(new OrchestratorApp(OrchestratorCommand.config(bootstrap,
        dataDir.resolve("orchestrator"), "", 0, down, 5, clientConfig(kafka, "orchestrator", extra))
        .withClusterSecret(secret), metrics.registry()));
    orchestrator.start(Duration.ofSeconds(60));

    progress("starting the gateway on 127.0.0.1:" + apiPort + (security.tls() ? " (TLS)" : ""));
    Map<String, String> gatewayKafka = new TreeMap<>();
    clientConfig(kafka, "gateway", extra).forEach((k, v) -> gatewayKafka.put(k, String.valueOf(v)));
    GatewayServer gateway = shutdown.register(new GatewayServer(GatewayConfig.defaults(bootstrap).withListener("127.0.0.1", apiPort)
        .withKafkaProperties(gatewayKafka).withClusterSecret(secret).withSecurity(security),
        IngressConfig.defaults().withHost(ingressHost), metrics));
    gateway.start();
    ClusterInfo info = gateway.backend().clusterInfo();
    String workerToken = JoinTokens.token(secret, JoinTokens.WORKER, info.workerTokenGeneration());
    String managerToken = JoinTokens.token(secret, JoinTokens.MANAGER, info.managerTokenGeneration());

    java.util.List<NodeAgent> started = new java.util.ArrayList<>();
    shutdown.register(Shutdown.inParallel(started));
    for (int i = 1; i <= agents; i++) {
      NodeAgent agent = AgentCommand.create(bootstrap, Topics.defaults(), "node-" + i,
          dataDir.resolve("agent-" + i), runtime, Duration.ofSeconds(1), Map.of(), down.multipliedBy(2), workerToken,
          clientConfig(kafka, "agent", extra), allowBindMounts, dev.shoal.schemas.Durations.parse(drainDelay),
          taskParallelism);
      started.add(agent);
      agent.meterWith(metrics.registry());
      agent.start();
      progress("agent node-" + i + " started (node id " + agent.nodeId() + ")");
    }
    System.out.println();
    System.out.println("Shoal is running.");
    printApi(gateway);
    System.out.println("  Ports:   services' published ports open on " + ingressHost + "   (GET /v1/ingress)");
    System.out.println("  Metrics: " + gateway.url() + "/metrics   (every component; Prometheus: ops/prometheus/prometheus.yml)");
    System.out.println("  Kafka:  " + bootstrap);
    System.out.println("  Data:   " + dataDir.toAbsolutePath());
    System.out.println();
    System.out.println("To add a worker, run:");
    System.out.println("  java -jar ops/target/shoal.jar agent --bootstrap-servers " + bootstrap + " --join-token "
        + workerToken + " --hostname <name> --data-dir <dir>"
        + (kafka.clientConfigFile("agent") == null ? "" : " --kafka-config " + kafka.clientConfigFile("agent")));
    System.out.println("Manager token: " + managerToken);
    System.out.println("(tokens: GET /v1/swarm/join-tokens; rotate: POST /v1/swarm/join-tokens/rotate?role=worker)");
    System.out.println("Ctrl-C stops everything.");
  }

  /** The Kafka client settings of {@code user} on the embedded broker, then the --kafka-config file's on top. */
  private static Map<String, Object> clientConfig(EmbeddedKafka kafka, String user, Map<String, String> extra) {
    Map<String, Object> m = new TreeMap<>(kafka.clientConfig(user));
    m.putAll(extra);
    return m;
  }

  private Path certDir() {
    return dataDir.resolve("tls");
  }

  /** The client certificate's CN: who runs shoal dev, as the principal recorded on their changes. */
  private static String clientPrincipal() {
    String user = System.getProperty("user.name", "");
    return Identifiers.token(user) && !user.contains(",") && !user.contains("=") ? user : "admin";
  }

  private void printApi(GatewayServer gateway) {
    String url = gateway.url();
    if (security.tls() && tls) {
      Path dir = certDir().toAbsolutePath();
      System.out.println("  API:    " + url + "   (TLS, client certificates required; admin certificate in " + dir + ")");
      System.out.println("  docker: export DOCKER_HOST=tcp://127.0.0.1:" + gateway.port() + " DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=" + dir);
      System.out.println("  curl:   curl --cacert " + dir.resolve(DockerCertDirectory.CA) + " --cert "
          + dir.resolve(DockerCertDirectory.CLIENT_CERT) + " --key " + dir.resolve(DockerCertDirectory.CLIENT_KEY) + " " + url + "/v1/nodes");
    } else if (security.authenticates()) {
      System.out.println("  API:    " + url + "   (authentication required)");
    } else {
      System.out.println("  API:    " + url + "   (try: curl " + url + "/v1/nodes)");
      System.out.println("          no authentication: like Docker's socket, anyone on this machine can use it;"
          + " shoal dev --tls requires certificates");
    }
  }

  private static void progress(String what) {
    System.out.println("[shoal dev] " + what + "...");
  }
}
