package dev.shoal.agent.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free TCP or UDP ports on 127.0.0.1. The kernel picks a free port; this class remembers the
 * ports it gave to live tasks, so two tasks never get the same one while the first has not bound it yet.
 */
final class PortAllocator {
  private static final int ATTEMPTS = 100;
  private final Set<Integer> held = new HashSet<>();

  synchronized int allocate() throws IOException {
    return allocate("tcp");
  }

  synchronized int allocate(String protocol) throws IOException {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port;
      try (Closeable s = bind(protocol, 0)) {
        port = localPort(s);
      }
      if (held.add(port)) {
        return port;
      }
    }
    throw new IOException("no free " + protocol + " port on 127.0.0.1 after " + ATTEMPTS + " attempts");
  }

  /** Holds {@code port} for a task that must have that one; throws if another task or process has it. */
  synchronized void reserve(int port, String protocol) throws IOException {
    if (held.contains(port)) {
      throw new IOException("host port " + port + " is already given to another task");
    }
    try (Closeable s = bind(protocol, port)) {
      held.add(port);
    } catch (IOException e) {
      throw new IOException("host port " + port + "/" + protocol + " is in use (" + e.getMessage() + ")", e);
    }
  }

  synchronized void hold(Collection<Integer> ports) {
    held.addAll(ports);
  }

  synchronized void release(Collection<Integer> ports) {
    held.removeAll(ports);
  }

  private static Closeable bind(String protocol, int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (protocol.equals("udp")) {
      return new DatagramSocket(address);
    }
    ServerSocket s = new ServerSocket();
    try {
      s.bind(address);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private static int localPort(Closeable socket) {
    return socket instanceof DatagramSocket d ? d.getLocalPort() : ((ServerSocket) socket).getLocalPort();
  }
}
