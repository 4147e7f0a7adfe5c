package dev.shoal.ops;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.security.ApiSecurity;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.gateway.ingress.IngressConfig;
import dev.shoal.schemas.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shoal gateway}: the HTTP API; stateless, any number behind a load balancer. */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run the API gateway against a Kafka cluster.")
final class GatewayCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--api-host", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE});"
      + " any other than loopback needs --tls-verify or --api-tokens (with TLS), or --insecure.")
  String host;

  @Option(names = "--api-port", converter = Converters.Port.class, description = "Listen port (default 2375, 2376 with TLS"
      + " as Docker's).")
  Integer port;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--cluster-secret-file", description = "File with the cluster secret (mode 600), to show and rotate"
      + " join tokens.")
  java.nio.file.Path secretFile;

  @Mixin
  ApiSecurityOptions api = new ApiSecurityOptions();

  @Option(names = "--insecure", description = "Serve a non-loopback address without authentication (or tokens over"
      + " plain HTTP): anyone who reaches it can run any command on every node.")
  boolean insecure;
  @Option(names = "--kafka-config", description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...)"
      + " for the gateway's producer and read-model consumer.")
  java.nio.file.Path kafkaConfig;

  @Option(names = "--ingress-host", defaultValue = IngressConfig.DEFAULT_HOST, description = "Address the services'"
      + " published ports bind on this gateway, e.g. 0.0.0.0 (default ${DEFAULT-VALUE}).")
  String ingressHost;

  @Option(names = "--ingress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Publish the services' ports on this gateway (--no-ingress: do not).")
  boolean ingress;

  @Override
  public Integer call() throws Exception {
    // Checked before Kafka is touched, so a bad flag is a one-line usage error.
    ApiSecurity wanted = api.security(ApiSecurity.none(), insecure);
    int port = this.port != null ? this.port : wanted.tls() ? 2376 : 2375;
    ApiSecurity security = ApiSecurityOptions.checked(wanted, host, port);
    Shutdown shutdown = new Shutdown();
    GatewayServer gateway = shutdown.register(new GatewayServer(
        GatewayConfig.defaults(bootstrap).withTopics(new Topics(prefix)).withListener(host, port)
            .withKafkaProperties(KafkaClientConfig.load(kafkaConfig))
            .withClusterSecret(ClusterSecret.optional(secretFile)).withSecurity(security),
        IngressConfig.defaults().withHost(ingressHost).withEnabled(ingress)));
    gateway.start();
    System.out.println("API at " + gateway.url() + " (Kafka " + bootstrap + "). Ctrl-C stops it.");
    System.out.println("Metrics: " + gateway.url() + "/metrics (reader role when the API authenticates)");
    if (ingress) {
      System.out.println("Published ports of services open on " + ingressHost + " (GET /v1/ingress).");
    }
    shutdown.awaitSignal();
    return 0;
  }
}
