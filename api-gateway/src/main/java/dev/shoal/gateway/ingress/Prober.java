package dev.shoal.gateway.ingress;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Checks that a task accepts connections on its port before it shares the traffic: a task of the
 * process runtime reports RUNNING as soon as it is spawned, before its server listens, and a
 * rolling update stops an old task once its replacement reports RUNNING. A probe is one TCP
 * connection, opened and closed at once, without a byte; a task that refuses is probed again at the
 * next round, until it accepts or leaves the route.
 */
final class Prober {
  private final ClientConnector client;

  Prober(ClientConnector client) {
    this.client = client;
  }

  /** Starts a probe of each task of {@code pool} not yet seen reachable (and not being probed). */
  void probe(BackendPool pool) {
    for (Backend b : pool.toProbe()) {
      Map<String, Object> context = new HashMap<>();
      context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
      context.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (ep, ctx) ->
          new AbstractConnection(ep, client.getExecutor()) {
            @Override
            public void onOpen() {
              super.onOpen();
              getEndPoint().close();
            }

            @Override
            public void onFillable() {
              // never asked for: the connection closes as it opens
            }
          });
      context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
        @Override
        public void succeeded(Connection c) {
          pool.probed(b, true);
        }

        @Override
        public void failed(Throwable cause) {
          pool.probed(b, false);
        }
      });
      client.connect(b.address(), context);
    }
  }
}
