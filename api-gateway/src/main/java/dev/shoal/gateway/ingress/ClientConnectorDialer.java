package dev.shoal.gateway.ingress;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Task connections through the ingress's shared {@link ClientConnector}, on its own selector: what
 * the relay did before {@link RelayConnector} put both sides of a request on one selector, kept for
 * {@code -Dshoal.ingress.same-selector=false} (to measure one against the other from one build) and
 * for a client connection whose selector is not known.
 */
final class ClientConnectorDialer implements TaskDialer {
  private final ClientConnector client;
  private final long idleTimeoutMillis;
  private final TaskConnectionPool idle = new TaskConnectionPool();

  ClientConnectorDialer(ClientConnector client, long idleTimeoutMillis) {
    this.client = client;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  @Override
  public TaskConnectionPool idle() {
    return idle;
  }

  @Override
  public void dial(Backend task, Promise<TaskConnection> connected) {
    Map<String, Object> context = new HashMap<>(4);
    context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
    context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (ep, ctx) -> {
      ep.setIdleTimeout(idleTimeoutMillis);
      return new TaskConnection(ep, client.getExecutor(), idle, task);
    });
    context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
      @Override
      public void succeeded(Connection c) {
        connected.succeeded((TaskConnection) c);
      }

      @Override
      public void failed(Throwable cause) {
        connected.failed(cause);
      }
    });
    client.connect(task.address(), context);
  }
}
