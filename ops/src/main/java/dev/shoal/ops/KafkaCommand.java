package dev.shoal.ops;

import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.kafka.KraftQuorum;
import dev.shoal.ops.kafka.ShoalAcls;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal kafka}: only the embedded broker, for running components as separate processes. By default a
 * single-node cluster; with {@code --voters} one member of a multi-node KRaft cluster (every member a combined
 * broker and controller), started once per member with the same voters and cluster id.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = {"Run an embedded Kafka broker (KRaft) on 127.0.0.1: a single-node cluster, or with --voters one"
        + " member of a multi-node cluster.",
        "A cluster of three: run, each with its own --data-dir and --kafka-port, the same --voters"
        + " 1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097 and --cluster-id, and --node-id 1, 2, 3. Kafka's own"
        + " topics then get replication min(3, members) and min.insync.replicas 2 from three members."})
final class KafkaCommand implements Callable<Integer> {
  /** The lock a broker holds in its data directory (its logs are under {@code kafka-logs/} there). */
  static final String LOCK_FILE = "kafka.lock";

  @Option(names = "--kafka-port", defaultValue = "9092", converter = Converters.Port.class, description = "Broker port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = "data/kafka", description = "Broker storage; one broker per directory,"
      + " locked while it runs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--security", defaultValue = "none", converter = Converters.Security.class,
      description = "none, sasl-ssl (SCRAM-SHA-512 over TLS) or mtls (TLS client certificates). Authenticated, the"
      + " broker allows only what ACLs allow: it makes the users orchestrator, gateway, agent and admin, Shoal's"
      + " ACLs for --topic-prefix, and their client settings in <data-dir>/clients/ (default ${DEFAULT-VALUE}).")
  KafkaSecurity security;

  @Option(names = "--mtls-listener", description = "With --security sasl-ssl: also an mTLS listener on a free port.")
  boolean mtlsListener;

  @Option(names = "--listen-address", defaultValue = "127.0.0.1", description = "Address the client listener binds"
      + " (default ${DEFAULT-VALUE}). Clients are always told 127.0.0.1:<port>: 0.0.0.0 is for a broker in a container"
      + " whose port is published on the host's 127.0.0.1 (scripts/build-kafka-image.sh).")
  String listenAddress;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of the topics the ACLs name (default none).")
  String prefix;

  @Option(names = "--voters", description = "Cluster mode: every member's node id and controller endpoint,"
      + " id@127.0.0.1:port,… — the same list for every member (KRaft's controller.quorum.voters).")
  String voters;

  @Option(names = "--node-id", description = "Cluster mode: this member's node id, one of --voters.")
  Integer nodeId;

  @Option(names = "--controller-port", converter = Converters.Port.class, description = "Cluster mode: this member's"
      + " controller port; must be its entry's in --voters (default: that one).")
  Integer controllerPort;

  @Option(names = "--cluster-id", description = "Cluster mode: the cluster's id, the same for every member, 22"
      + " characters of URL-safe base64 (as kafka-storage random-uuid prints; an error message suggests one).")
  String clusterId;

  @Override
  public Integer call() throws Exception {
    if (mtlsListener && security != KafkaSecurity.SASL_SSL) {
      throw new UsageException("--mtls-listener goes with --security sasl-ssl");
    }
    EmbeddedKafka.Builder builder = EmbeddedKafka.builder().port(port).listenAddress(listenAddress).dataDir(dataDir).security(security)
        .mtlsListener(mtlsListener).users(ShoalAcls.USERS);
    KraftQuorum quorum = clusterMode(builder);
    Shutdown shutdown = new Shutdown();
    shutdown.register(Locks.acquire(dataDir, LOCK_FILE, "Kafka broker"));
    EmbeddedKafka kafka = shutdown.register(builder.build());
    try {
      kafka.start();
    } catch (IllegalArgumentException wrongDataDir) {
      throw new UsageException(wrongDataDir.getMessage());
    }
    if (quorum != null) {
      System.out.println("Node " + kafka.nodeId() + " of Kafka cluster " + clusterId + " (voters " + quorum
          + "): Kafka's own topics replicated " + quorum.replicationFactor() + "x, min.insync.replicas "
          + quorum.minInsyncReplicas());
    }
    ShoalAcls.applyTo(kafka, new Topics(prefix));
    if (security != KafkaSecurity.PLAINTEXT) {
      System.out.println("Client settings (--kafka-config): " + kafka.clientConfigFile("orchestrator").getParent()
          + "/{orchestrator,gateway,agent,admin}.properties (" + security + " on " + kafka.bootstrapServers() + ")");
      if (kafka.mtlsBootstrapServers() != null) {
        System.out.println("mTLS listener: " + kafka.mtlsBootstrapServers() + " with <user>-mtls.properties");
      }
    }
    System.out.println("Kafka broker ready at " + kafka.bootstrapServers() + " (data in " + dataDir + "). Ctrl-C stops it.");
    shutdown.awaitSignal();
    return 0;
  }

  /** Checks the cluster flags as a whole and applies them; null in single-node mode. */
  private KraftQuorum clusterMode(EmbeddedKafka.Builder builder) {
    if (voters == null) {
      if (nodeId != null || controllerPort != null || clusterId != null) {
        throw new UsageException("--node-id, --controller-port and --cluster-id go with --voters (cluster mode);"
            + " without --voters the broker is a single-node cluster");
      }
      return null;
    }
    KraftQuorum quorum;
    try {
      quorum = KraftQuorum.parse(voters);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--voters: " + e.getMessage());
    }
    if (nodeId == null) {
      throw new UsageException("--voters needs --node-id: which of " + quorum.nodeIds() + " this member is");
    }
    if (!quorum.contains(nodeId)) {
      throw new UsageException("--node-id " + nodeId + " is not among --voters " + quorum);
    }
    if (clusterId == null) {
      throw new UsageException("--voters needs --cluster-id, the same for every member (e.g. "
          + org.apache.kafka.common.Uuid.randomUuid() + ")");
    }
    int ownController = quorum.endpoint(nodeId).port();
    if (controllerPort != null && controllerPort != ownController) {
      throw new UsageException("--controller-port " + controllerPort + " is not node " + nodeId + "'s entry in"
          + " --voters (" + quorum.endpoint(nodeId) + ")");
    }
    for (int id : quorum.nodeIds()) {
      if (quorum.endpoint(id).port() == port) {
        throw new UsageException("--kafka-port " + port + " is the controller port of voter " + id);
      }
    }
    if (security != KafkaSecurity.PLAINTEXT) {
      throw new UsageException("--voters goes with --security none for now: an authenticated broker's certificates"
          + " are its own, so members would not trust each other");
    }
    try {
      builder.cluster(nodeId, quorum, clusterId);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--cluster-id: " + e.getMessage());
    }
    return quorum;
  }
}
