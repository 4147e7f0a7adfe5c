package dev.shoal.ops;

import dev.shoal.kafka.EmbeddedKafka;
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

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    shutdown.register(Locks.acquire(dataDir, LOCK_FILE, "Kafka broker"));
    EmbeddedKafka kafka = shutdown.register(EmbeddedKafka.builder().port(port).dataDir(dataDir).build());
    kafka.start();
    System.out.println("Kafka broker ready at " + kafka.bootstrapServers() + " (data in " + dataDir + "). Ctrl-C stops it.");
    shutdown.awaitSignal();
    return 0;
  }
}
