package dev.shoal.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unix socket that forwards to the Docker engine's and can be taken down and brought back, so a
 * test can make "the engine" go away without stopping the real one that other tests share.
 */
final class EngineProxy implements AutoCloseable {
  private final Path socket;
  private final Path engine;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocketChannel server;

  EngineProxy(Path socket, Path engine) {
    this.socket = socket;
    this.engine = engine;
  }

  String dockerHost() {
    return "unix://" + socket;
  }

  synchronized void up() throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    server = s;
    Thread acceptor = new Thread(() -> accept(s), "engine-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Refuses new connections (the socket file is gone) and cuts the open ones, as a stopped engine does. */
  synchronized void down() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    Files.deleteIfExists(socket);
    for (SocketChannel c : open) {
      closeQuietly(c);
    }
    open.clear();
  }

  private void accept(ServerSocketChannel s) {
    while (s.isOpen()) {
      try {
        SocketChannel client = s.accept();
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine));
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread t = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
      try {
        while (from.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            to.write(buf);
          }
          buf.clear();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "engine-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
