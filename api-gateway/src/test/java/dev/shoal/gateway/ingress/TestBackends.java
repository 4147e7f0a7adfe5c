package dev.shoal.gateway.ingress;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Real servers on 127.0.0.1 that stand in for tasks: an HTTP server and a TCP line echo, each naming itself. */
final class TestBackends {
  private TestBackends() {}

  /**
   * An HTTP server answering its name; the forwarded headers it received come back as {@code Seen-*}
   * headers; {@code /slow?ms=N} answers after N ms (a long request in flight).
   */
  static final class HttpBackend implements AutoCloseable {
    static {
      // Without it the JDK's server writes headers and body in two segments, and Nagle's algorithm meets
      // the client's delayed ACK: 40 ms per request.
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    HttpBackend(String name) throws IOException {
      this(name, 0);
    }

    /** On {@code port} (0: any free one). */
    HttpBackend(String name, int port) throws IOException {
      this.name = name;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      server.setExecutor(threads);
      server.createContext("/", exchange -> {
        String query = exchange.getRequestURI().getQuery();
        if (exchange.getRequestURI().getPath().equals("/slow") && query != null && query.startsWith("ms=")) {
          try {
            Thread.sleep(Long.parseLong(query.substring(3)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        exchange.getRequestBody().readAllBytes();
        for (String h : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
            "Forwarded", "Host")) {
          String v = exchange.getRequestHeaders().getFirst(h);
          if (v != null) {
            exchange.getResponseHeaders().add("Seen-" + h, v);
          }
        }
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /** A TCP server that greets with {@code hello from <name>} and then echoes each line back until the client closes. */
  static final class EchoBackend implements AutoCloseable {
    final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> open = new ArrayList<>();
    private final java.util.concurrent.Future<?> accepting;
    private boolean closing;

    EchoBackend(String name) throws IOException {
      this.name = name;
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      accepting = threads.submit(this::acceptLoop);
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          synchronized (open) {
            if (closing) {
              s.close(); // accepted while closing: the process is gone, so is this connection
              return;
            }
            open.add(s);
          }
          threads.execute(() -> echo(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void echo(Socket s) {
      try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
        out.println("hello from " + name);
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
        }
      } catch (IOException e) {
        // the client went away
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      synchronized (open) {
        closing = true;
      }
      server.close();
      // The JDK closes a listening socket only once the thread blocked in accept has left it: until
      // then connections are still accepted. Wait, so that the port refuses when close returns.
      try {
        accepting.get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("the accept loop did not end", e);
      }
      synchronized (open) {
        for (Socket s : open) {
          s.close();
        }
      }
      threads.shutdownNow();
    }
  }
}
