package dev.shoal.ops;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.ingress.IngressConfig;
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

  @Option(names = "--cluster-secret-file", description = "File with the cluster secret, to show and rotate join tokens.")
  java.nio.file.Path secretFile;

  @Option(names = "--ingress-host", defaultValue = IngressConfig.DEFAULT_HOST, description = "Address the services'"
      + " published ports bind on this gateway, e.g. 0.0.0.0 (default ${DEFAULT-VALUE}).")
  String ingressHost;

  @Option(names = "--ingress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Publish the services' ports on this gateway (--no-ingress: do not).")
  boolean ingress;

  @Override
  public Integer call() throws Exception {
    Shutdown shutdown = new Shutdown();
    GatewayServer gateway = shutdown.register(new GatewayServer(
        GatewayConfig.defaults(bootstrap).withTopics(new Topics(prefix)).withListener(host, port)
            .withClusterSecret(ClusterSecret.optional(secretFile)),
        IngressConfig.defaults().withHost(ingressHost).withEnabled(ingress)));
    gateway.start();
    System.out.println("API at http://" + host + ":" + gateway.port() + " (Kafka " + bootstrap + "). Ctrl-C stops it.");
    if (ingress) {
      System.out.println("Published ports of services open on " + ingressHost + " (GET /v1/ingress).");
    }
    shutdown.awaitSignal();
    return 0;
  }
}
