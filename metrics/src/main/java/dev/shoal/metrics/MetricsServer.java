package dev.shoal.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} on a port of its own, for the components without an HTTP server (the
 * orchestrator, an agent): the JDK's HTTP server on one thread, no framework. It serves metrics
 * only, unauthenticated, so it listens on loopback unless told otherwise; Prometheus on another
 * host reaches it through whatever the operator puts in front (see the README).
 */
public final class MetricsServer implements AutoCloseable {
  /** The path Prometheus scrapes by default. */
  public static final String PATH = "/metrics";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves {@code metrics} on {@code host:port} (0 = a free port, see {@link #port()}).
   *
   * @throws IOException when the address cannot be bound (the port is taken)
   */
  public static MetricsServer start(ShoalMetrics metrics, String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "shoal-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, metrics));
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void handle(HttpExchange exchange, ShoalMetrics metrics) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      // The context matches every path by prefix; anything but /metrics is not ours.
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, "not found: metrics are at " + PATH + "\n", "text/plain; charset=utf-8", method);
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(exchange, 405, "method not allowed\n", "text/plain; charset=utf-8", method);
      } else {
        reply(exchange, 200, metrics.scrape(), ShoalMetrics.CONTENT_TYPE, method);
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String body, String type, String method)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The port bound (the one chosen when asked for 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:9470/metrics}: where Prometheus scrapes it. */
  public String url() {
    String host = server.getAddress().getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + PATH;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
