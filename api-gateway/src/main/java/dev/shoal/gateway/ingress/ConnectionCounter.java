package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import org.eclipse.jetty.io.Connection;

/**
 * Counts the client connections of one published port into its service's open-connection gauge.
 * Jetty adds a connector's listeners to every connection it accepts (HTTP or raw TCP); a WebSocket
 * tunnel that replaces an HTTP connection is given it too ({@link HttpIngressHandler}), so an
 * upgraded connection stays counted.
 */
final class ConnectionCounter implements Connection.Listener {
  private final IngressMetrics.Connections connections;

  ConnectionCounter(IngressMetrics.Connections connections) {
    this.connections = connections;
  }

  @Override
  public void onOpened(Connection connection) {
    connections.opened();
  }

  @Override
  public void onClosed(Connection connection) {
    connections.closed();
  }
}
