package dev.shoal.agent.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free TCP ports on 127.0.0.1. The kernel picks a free port; this class remembers the
 * ports it gave to live tasks, so two tasks never get the same one while the first has not bound it yet.
 */
final class PortAllocator {
  private static final int ATTEMPTS = 100;
  private final Set<Integer> held = new HashSet<>();

  synchronized int allocate() throws IOException {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port;
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = s.getLocalPort();
      }
      if (held.add(port)) {
        return port;
      }
    }
    throw new IOException("no free port on 127.0.0.1 after " + ATTEMPTS + " attempts");
  }

  synchronized void hold(Collection<Integer> ports) {
    held.addAll(ports);
  }

  synchronized void release(Collection<Integer> ports) {
    held.removeAll(ports);
  }
}
