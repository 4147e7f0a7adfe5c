package dev.shoal.gateway.ingress;

import dev.shoal.gateway.metrics.IngressMetrics;
import dev.shoal.gateway.metrics.IngressMetrics.Reason;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a raw TCP published port does with each accepted connection: picks a task from the port's
 * {@link BackendPool}, connects to it, and tunnels bytes both ways ({@link TunnelConnection}).
 * Balancing is per connection, as Swarm's routing mesh. The client's bytes wait in the kernel until
 * the task answered. A task that refuses the connection is passed over for a while and one other
 * task is tried (nothing was sent yet, so that is safe for any protocol); with no task to try the
 * client's connection is closed. Each of those is counted for the service ({@link IngressMetrics});
 * the connections themselves are counted by the connector's {@link ConnectionCounter}.
 */
final class TcpIngressConnectionFactory extends AbstractConnectionFactory {
  private static final Logger LOG = LoggerFactory.getLogger(TcpIngressConnectionFactory.class);
  static final int BUFFER_SIZE = 16 * 1024;

  private final Function<Connector, BackendPool> pools;
  private final ClientConnector client;
  private final long idleMillis;
  private final IngressMetrics metrics;

  /** {@code idleMillis}: how long the task's side may be silent (the client's is the connector's). */
  TcpIngressConnectionFactory(Function<Connector, BackendPool> pools, ClientConnector client, long idleMillis,
                              IngressMetrics metrics) {
    super("shoal-tcp");
    this.pools = pools;
    this.client = client;
    this.idleMillis = idleMillis;
    this.metrics = metrics;
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    BackendPool pool = pools.apply(connector);
    AtomicReference<Lease> lease = new AtomicReference<>();
    AtomicReference<TunnelConnection> front = new AtomicReference<>();
    TunnelConnection conn = new TunnelConnection(endPoint, connector.getExecutor(), connector.getByteBufferPool(),
        BUFFER_SIZE, () -> connect(pool, front.get(), lease, Set.of()), () -> release(lease));
    front.set(conn);
    return configure(conn, connector, endPoint);
  }

  private void connect(BackendPool pool, TunnelConnection front, AtomicReference<Lease> lease, Set<String> excluded) {
    Optional<Lease> chosen = pool == null ? Optional.empty() : pool.acquire(excluded);
    if (chosen.isEmpty()) {
      if (pool != null && excluded.isEmpty()) { // else the failed connect was counted already
        metrics.error(pool.route().serviceName(), Reason.NO_TASK);
      }
      // No running task: the client sees its connection closed, as with Swarm's mesh.
      front.getEndPoint().close();
      return;
    }
    Lease l = chosen.get();
    if (!excluded.isEmpty()) {
      metrics.retried(pool.route().serviceName());
    }
    release(lease);
    lease.set(l);
    Map<String, Object> context = new HashMap<>();
    context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
    context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (ep, ctx) -> {
      // The client connector is shared with the HTTP client, whose idle timeout is for keep-alive.
      ep.setIdleTimeout(idleMillis);
      return new TunnelConnection(ep, client.getExecutor(), client.getByteBufferPool(), BUFFER_SIZE, null, null);
    });
    context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
      @Override
      public void succeeded(Connection back) {
        l.reached();
        TunnelConnection task = (TunnelConnection) back;
        TunnelConnection.pair(front, task);
        if (!front.getEndPoint().isOpen()) {
          task.getEndPoint().close();
          return;
        }
        front.start();
        task.start();
      }

      @Override
      public void failed(Throwable cause) {
        l.failed(pool.backoffNanos());
        metrics.error(pool.route().serviceName(), Reason.CONNECT_FAILED);
        LOG.debug("task {} at {} refused a connection: {}", l.backend().taskName(), l.backend().authority(), cause.toString());
        if (excluded.isEmpty() && front.getEndPoint().isOpen()) {
          connect(pool, front, lease, Set.of(l.backend().taskId()));
        } else {
          front.getEndPoint().close(cause);
        }
      }
    });
    client.connect(l.backend().address(), context);
  }

  private static void release(AtomicReference<Lease> lease) {
    Lease l = lease.get();
    if (l != null) {
      l.release();
    }
  }
}
