package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import java.util.function.Function;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * What an HTTP published port does with each accepted connection when the relay is on: an
 * {@link HttpRelayConnection}, which relays plain HTTP/1.1 requests itself and hands the connection
 * to Jetty's HTTP server ({@code fallback}, hence {@link HttpIngressHandler}) for anything else. Its
 * task connections are opened on the client connection's selector when the port's connector is a
 * {@link RelayConnector} (so both sides of a request are one thread's, as in an nginx worker), or,
 * with {@code -Dshoal.ingress.same-selector=false}, go through the ingress's shared
 * {@link ClientConnector}. With one selector per port the shared connector was faster (its own
 * thread gave the relay a second core); with a selector per core, one selector per request is
 * (docs/benchmarks.md, Ingress).
 */
final class HttpRelayConnectionFactory extends AbstractConnectionFactory {
  /** Whether HTTP ports use the relay ({@code -Dshoal.ingress.relay=false} turns it off). */
  static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("shoal.ingress.relay", "true"));
  /** Whether task connections share the client's selector ({@code -Dshoal.ingress.same-selector=false}: not). */
  static final boolean SAME_SELECTOR =
      Boolean.parseBoolean(System.getProperty("shoal.ingress.same-selector", "true"));

  private final Function<Connector, BackendPool> pools;
  private final HttpConnectionFactory fallback;
  private final IngressMetrics metrics;
  private final ClientConnectorDialer shared;

  HttpRelayConnectionFactory(Function<Connector, BackendPool> pools, ClientConnector client,
                             HttpConnectionFactory fallback, IngressConfig config, IngressMetrics metrics) {
    super("shoal-http-relay");
    this.pools = pools;
    this.fallback = fallback;
    this.metrics = metrics;
    this.shared = new ClientConnectorDialer(client, config.httpIdleTimeout().toMillis());
    // A handed-over connection brings what the relay read ahead (a head and some body): all of it must fit.
    fallback.setInputBufferSize(Math.max(fallback.getInputBufferSize(), HttpRelayConnection.inputBufferSize(fallback)));
    addBean(fallback);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    TaskDialer tasks = SAME_SELECTOR && connector instanceof RelayConnector r ? r.dialerFor(endPoint) : null;
    HttpRelayConnection c = new HttpRelayConnection(endPoint, connector, pools.apply(connector),
        tasks != null ? tasks : shared, fallback, metrics);
    return configure(c, connector, endPoint);
  }

  @Override
  protected void doStop() throws Exception {
    shared.idle().close();
    super.doStop();
  }
}
