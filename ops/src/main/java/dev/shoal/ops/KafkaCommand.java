package dev.shoal.ops;

import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.ops.kafka.ShoalAcls;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shoal kafka}: only the embedded single-node broker, for running components as separate processes. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run an embedded single-node Kafka broker (KRaft) on 127.0.0.1.")
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

  @Override
  public Integer call() throws Exception {
    if (mtlsListener && security != KafkaSecurity.SASL_SSL) {
      throw new UsageException("--mtls-listener goes with --security sasl-ssl");
    }
    Shutdown shutdown = new Shutdown();
    shutdown.register(Locks.acquire(dataDir, LOCK_FILE, "Kafka broker"));
    EmbeddedKafka kafka = shutdown.register(EmbeddedKafka.builder().port(port).listenAddress(listenAddress).dataDir(dataDir).security(security)
        .mtlsListener(mtlsListener).users(ShoalAcls.USERS).build());
    kafka.start();
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
}
