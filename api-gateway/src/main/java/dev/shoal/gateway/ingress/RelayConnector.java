package dev.shoal.gateway.ingress;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The connector of an HTTP published port served by the relay, whose selectors carry the relay's
 * connections to tasks as well as the clients': each task connection is opened on, and pooled per,
 * the selector of the client connection that asked for it ({@link #dialerFor}). So a request and
 * its answer are read and written by one thread, as nginx keeps both sides of a request on one
 * worker; with the tasks on a selector of their own, each message woke the other selector's thread
 * (a profile showed that handoff as the relay's largest cost after parsing).
 *
 * <p>Task connections are not the port's connections: they are left out of the connector's
 * endpoints (whose closing a port's graceful shutdown waits for) and of its connection counter.
 */
final class RelayConnector extends ServerConnector {
  private final Map<ManagedSelector, TaskDialer> dialers = new ConcurrentHashMap<>();
  private final long taskIdleTimeoutMillis;

  RelayConnector(Server server, int selectors, ConnectionFactory factory, IngressConfig config) {
    super(server, 1, selectors, factory);
    taskIdleTimeoutMillis = config.httpIdleTimeout().toMillis();
    getSelectorManager().setConnectTimeout(config.connectTimeout().toMillis());
  }

  /** The dialer for task connections on {@code client}'s selector, or null when that is not one of ours. */
  TaskDialer dialerFor(EndPoint client) {
    if (client instanceof ClientEndPoint c) {
      return dialers.computeIfAbsent(c.selector, SelectorDialer::new);
    }
    return null;
  }

  @Override
  protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
    return new Manager(executor, scheduler, selectors);
  }

  @Override
  protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
    SocketChannelEndPoint endPoint = key.attachment() instanceof TaskConnect
        ? new SocketChannelEndPoint(channel, selector, key, getScheduler())
        : new ClientEndPoint(channel, selector, key, getScheduler());
    endPoint.setIdleTimeout(getIdleTimeout());
    return endPoint;
  }

  @Override
  protected void onEndPointOpened(EndPoint endPoint) {
    if (endPoint instanceof ClientEndPoint) {
      super.onEndPointOpened(endPoint);
    }
  }

  @Override
  protected void onEndPointClosed(EndPoint endPoint) {
    if (endPoint instanceof ClientEndPoint) {
      super.onEndPointClosed(endPoint);
    }
  }

  @Override
  protected void doStop() throws Exception {
    dialers.values().forEach(d -> d.idle().close());
    super.doStop();
  }

  /** A client's endpoint, which knows its selector (Jetty's does not say). */
  private static final class ClientEndPoint extends SocketChannelEndPoint {
    final ManagedSelector selector;

    ClientEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
      super(channel, selector, key, scheduler);
      this.selector = selector;
    }
  }

  /** Task connections on one selector, and their idle pool, used by that selector's thread. */
  private final class SelectorDialer implements TaskDialer {
    private final ManagedSelector selector;
    private final TaskConnectionPool idle = new TaskConnectionPool();

    SelectorDialer(ManagedSelector selector) {
      this.selector = selector;
    }

    @Override
    public TaskConnectionPool idle() {
      return idle;
    }

    @Override
    public void dial(Backend task, Promise<TaskConnection> connected) {
      SocketChannel channel = null;
      try {
        channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        TaskConnect attempt = new TaskConnect(channel, task, idle, connected);
        // On loopback a non-blocking connect often completes at once; the channel is then registered as accepted.
        boolean done = channel.connect(task.address());
        ((Manager) getSelectorManager()).register(selector, attempt, done);
      } catch (Throwable x) {
        IO.close(channel);
        connected.failed(x);
      }
    }
  }

  /** A connection to a task being opened: the attachment its channel is registered with. */
  private final class TaskConnect {
    final SocketChannel channel;
    final Backend task;
    final TaskConnectionPool idle;
    final Promise<TaskConnection> connected;

    TaskConnect(SocketChannel channel, Backend task, TaskConnectionPool idle, Promise<TaskConnection> connected) {
      this.channel = channel;
      this.task = task;
      this.idle = idle;
      this.connected = connected;
    }

    TaskConnection newConnection(EndPoint endPoint) {
      endPoint.setIdleTimeout(taskIdleTimeoutMillis);
      return new TaskConnection(endPoint, getExecutor(), idle, task);
    }
  }

  /** The port's selector manager, which also registers task connections on a given selector. */
  private final class Manager extends ServerConnectorManager {
    /** The selector {@link #chooseSelector} gives during {@link #register}: Jetty's connect and accept choose by it. */
    private final ThreadLocal<ManagedSelector> chosen = new ThreadLocal<>();
    /** Connected channels being registered: a failed registration names only the channel. */
    private final Map<SelectableChannel, TaskConnect> accepting = new ConcurrentHashMap<>();

    Manager(Executor executor, Scheduler scheduler, int selectors) {
      super(executor, scheduler, selectors);
    }

    void register(ManagedSelector on, TaskConnect attempt, boolean connected) {
      chosen.set(on);
      try {
        if (connected) {
          accepting.put(attempt.channel, attempt);
          accept(attempt.channel, attempt);
        } else {
          connect(attempt.channel, attempt);
        }
      } finally {
        chosen.remove();
      }
    }

    @Override
    protected ManagedSelector chooseSelector() {
      ManagedSelector on = chosen.get();
      return on != null ? on : super.chooseSelector();
    }

    @Override
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
        throws IOException {
      if (attachment instanceof TaskConnect t) {
        return t.newConnection(endPoint);
      }
      return super.newConnection(channel, endPoint, attachment);
    }

    @Override
    public void connectionOpened(Connection connection, Object context) {
      super.connectionOpened(connection, context);
      if (context instanceof TaskConnect t) {
        accepting.remove(t.channel);
        t.connected.succeeded((TaskConnection) connection);
      }
    }

    @Override
    protected void connectionFailed(SelectableChannel channel, Throwable cause, Object attachment) {
      super.connectionFailed(channel, cause, attachment);
      if (attachment instanceof TaskConnect t) {
        t.connected.failed(cause);
      }
    }

    @Override
    protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
      super.onAcceptFailed(channel, cause);
      TaskConnect t = accepting.remove(channel);
      if (t != null) {
        t.connected.failed(cause);
      }
    }
  }
}
