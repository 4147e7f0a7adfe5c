package dev.shoal.ops;

import dev.shoal.metrics.MetricsServer;
import dev.shoal.metrics.ShoalMetrics;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-host} and {@code --metrics-port} of the components that have no HTTP server of
 * their own (the orchestrator, an agent): where their {@code GET /metrics} listens. The default port
 * is 0, a free one, printed at start: several orchestrators and agents may share a machine (tests, a
 * laptop), and a fixed default would make the second one fail; give a fixed port for Prometheus to
 * scrape. {@code off} serves none.
 */
final class MetricsOptions {
  @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Address of the metrics endpoint"
      + " (default ${DEFAULT-VALUE}; it has no authentication, so keep it on loopback or a private network).")
  String host;

  @Option(names = "--metrics-port", defaultValue = "0", description = "Port of GET /metrics for Prometheus: a port,"
      + " 0 for a free one (printed at start), or off (default ${DEFAULT-VALUE}).")
  String port;

  /** The port to bind, or -1 for none. */
  int port() {
    if (port.equalsIgnoreCase("off")) {
      return -1;
    }
    try {
      int p = Integer.parseInt(port.trim());
      if (p < 0 || p > 65535) {
        throw new UsageException("--metrics-port must be 0-65535 or off, got " + port);
      }
      return p;
    } catch (NumberFormatException e) {
      throw new UsageException("--metrics-port must be a port number, 0 or off, got '" + port + "'");
    }
  }

  /** Starts the endpoint as asked, or returns null for {@code off}; a taken port is a usage error. */
  MetricsServer start(ShoalMetrics metrics) {
    int p = port();
    if (p < 0) {
      return null;
    }
    try {
      return MetricsServer.start(metrics, host, p);
    } catch (IOException e) {
      throw new UsageException("cannot serve metrics on " + host + ":" + p + " (" + e.getMessage()
          + "); give another --metrics-port, 0 for a free one, or off", e);
    }
  }
}
