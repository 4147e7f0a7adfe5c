package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RelayConnector}: a task connection dialed for a client connection is read by the client
 * connection's own selector thread, with two selectors in the connector; it is not counted among
 * the port's connections; a refused connect fails the dial.
 */
class RelayConnectorTest {
  private static final int SELECTORS = 2;
  private static final int CLIENTS = 6;

  private final Server server = new Server();
  private final List<CompletableFuture<Threads>> seen = new ArrayList<>();
  private RelayConnector connector;
  private TestBackends.EchoBackend task;
  private Backend target;

  /** The threads that read a client's request and its task's bytes. */
  record Threads(Thread client, Thread task) {}

  @BeforeEach
  void start() throws Exception {
    task = new TestBackends.EchoBackend("t1");
    target = new Backend("t1", "web.1", "n1", "127.0.0.1", task.port());
    connector = new RelayConnector(server, SELECTORS, new ProbeFactory(), IngressConfig.defaults());
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    task.close();
  }

  @Test
  void aTaskConnectionIsReadByItsClientsSelectorThreadAndIsNotOneOfThePortsConnections() throws Exception {
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort());
      clients.add(s);
      OutputStream out = s.getOutputStream();
      out.write("go\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    List<Thread> clientThreads = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Threads t = future(i).get(10, TimeUnit.SECONDS);
      assertThat(t.task()).as("client %d", i).isSameAs(t.client());
      clientThreads.add(t.client());
    }
    // Round robin over two selectors: both carried clients, so "the same thread" was not the only thread.
    assertThat(clientThreads.stream().distinct().count()).isEqualTo(SELECTORS);
    assertThat(connector.getConnectedEndPoints()).hasSize(CLIENTS);
    for (Socket s : clients) {
      s.close();
    }
  }

  @Test
  void aRefusedConnectFailsTheDial() throws Exception {
    target = new Backend("t2", "web.2", "n1", "127.0.0.1", closedPort());
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), connector.getLocalPort())) {
      s.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(future(0)).failsWithin(10, TimeUnit.SECONDS);
    }
  }

  private synchronized CompletableFuture<Threads> future(int i) {
    while (seen.size() <= i) {
      seen.add(new CompletableFuture<>());
    }
    return seen.get(i);
  }

  private int nextIndex;

  private synchronized int nextIndex() {
    return nextIndex++;
  }

  private final class ProbeFactory extends AbstractConnectionFactory {
    ProbeFactory() {
      super("probe");
    }

    @Override
    public Connection newConnection(Connector c, EndPoint endPoint) {
      return configure(new Probe(endPoint, c, ((RelayConnector) c).dialerFor(endPoint)), c, endPoint);
    }
  }

  /** Reads a line from its client, then dials the task and notes which threads read each side. */
  private final class Probe extends AbstractConnection.NonBlocking {
    private final TaskDialer dialer;
    private final CompletableFuture<Threads> result;

    Probe(EndPoint endPoint, Connector c, TaskDialer dialer) {
      super(endPoint, c.getExecutor());
      this.dialer = dialer;
      this.result = future(nextIndex());
    }

    @Override
    public void onOpen() {
      super.onOpen();
      fillInterested();
    }

    @Override
    public void onFillable() {
      Thread clientThread = Thread.currentThread();
      ByteBuffer in = BufferUtil.allocate(64);
      try {
        if (getEndPoint().fill(in) <= 0) {
          fillInterested();
          return;
        }
      } catch (Exception e) {
        result.completeExceptionally(e);
        return;
      }
      dialer.dial(target, new Promise<>() {
        @Override
        public void succeeded(TaskConnection t) {
          // The echo task greets on connect: its bytes arrive without a request.
          t.awaitReadable(Callback.from(() -> result.complete(new Threads(clientThread, Thread.currentThread())),
              result::completeExceptionally));
        }

        @Override
        public void failed(Throwable x) {
          result.completeExceptionally(x);
        }
      });
    }
  }
}
