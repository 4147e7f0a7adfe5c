package dev.shoal.ops;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.schemas.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shoal gateway}: the HTTP API; stateless, any number behind a load balancer. */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run the API gateway against a Kafka cluster.")
final class GatewayCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--api-host", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--api-port", defaultValue = "2375", converter = Converters.Port.class, description = "Listen port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--cluster-secret-file", description = "File with the cluster secret (mode 600), to show and rotate"
      + " join tokens.")
  java.nio.file.Path secretFile;

  @Option(names = "--kafka-config", description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...)"
      + " for the gateway's producer and read-model consumer.")
  java.nio.file.Path kafkaConfig;

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    GatewayServer gateway = shutdown.register(new GatewayServer(
        GatewayConfig.defaults(bootstrap).withTopics(new Topics(prefix)).withListener(host, port)
            .withKafkaProperties(KafkaClientConfig.load(kafkaConfig))
            .withClusterSecret(ClusterSecret.optional(secretFile))));
    gateway.start();
    System.out.println("API at http://" + host + ":" + gateway.port() + " (Kafka " + bootstrap + "). Ctrl-C stops it.");
    shutdown.awaitSignal();
    return 0;
  }
}
