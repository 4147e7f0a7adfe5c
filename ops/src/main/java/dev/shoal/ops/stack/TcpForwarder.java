package dev.shoal.ops.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards every TCP connection made to one address to another, byte for byte, one thread per
 * direction. The partition test uses two to put an agent's Kafka traffic through a veth link
 * without giving the broker another listener: one in the agent's network namespace (its
 * {@code 127.0.0.1:<kafka port>} to the link's far end) and one in the test JVM (the link's near end
 * to the broker). Cutting the link then cuts the agent off, and only it.
 *
 * <p>Run as {@code java … TcpForwarder LISTEN_HOST:PORT TARGET_HOST:PORT}; it prints
 * {@value #READY} once it listens.
 */
public final class TcpForwarder implements AutoCloseable {
  public static final String READY = "forwarding";
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  public TcpForwarder(InetSocketAddress listen, InetSocketAddress target) {
    this.target = target;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(listen);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen, e);
    }
    Thread accept = new Thread(this::accept, "forward-accept-" + listen);
    accept.setDaemon(true);
    accept.start();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket();
        try {
          out.connect(target, 5_000);
        } catch (IOException e) {
          in.close();
          continue;
        }
        open.add(in);
        open.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // closed, or one connection failed: the next one is accepted
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "forward-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    open.forEach(this::closeQuietly);
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
          Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: TcpForwarder LISTEN_HOST:PORT TARGET_HOST:PORT");
      System.exit(2);
    }
    try (TcpForwarder f = new TcpForwarder(address(args[0]), address(args[1]))) {
      System.out.println(READY + " " + args[0] + " -> " + args[1]);
      Thread.currentThread().join();
    }
  }
}
