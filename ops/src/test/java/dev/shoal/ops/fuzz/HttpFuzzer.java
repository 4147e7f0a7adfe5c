package dev.shoal.ops.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends hostile requests to the gateway from several workers at once (JDK client, or a raw socket
 * for what that client refuses) and tallies the answers. A request unanswered after
 * {@code timeout} counts as a timeout: no request may make its handling unbounded.
 */
public final class HttpFuzzer implements AutoCloseable {
  private final int port;
  private final Duration timeout;
  private final int workers;
  private final ExecutorService pool;
  private final HttpClient client;

  public HttpFuzzer(int port, int workers, Duration timeout) {
    this.port = port;
    this.timeout = timeout;
    this.workers = workers;
    this.pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "fuzz-http");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Sends every case, {@code workers} at a time, and returns once all are answered or timed out. */
  public void send(List<HttpCase> cases, HttpTally tally) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> running = new java.util.ArrayList<>();
    for (int w = 0; w < workers; w++) {
      running.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < cases.size(); i = next.getAndIncrement()) {
          one(cases.get(i), tally);
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
  }

  private void one(HttpCase c, HttpTally tally) {
    long start = System.nanoTime();
    try {
      HttpRequest request = null;
      if (!c.raw()) {
        try {
          request = request(c);
        } catch (IllegalArgumentException refused) {
          // The JDK client will not send this (a header value or target it deems illegal): send it raw.
        }
      }
      if (request == null) {
        RawHttp.Answer a = RawHttp.send(port, c, (int) timeout.toMillis());
        if (a.status() == HttpTally.NO_ANSWER) {
          tally.transportError(c, new IOException("connection closed without an HTTP answer: "
              + HttpCase.cut(a.body(), 200)), false);
        } else {
          tally.record(c, a.status(), a.contentType(), a.body(), millisSince(start));
        }
        return;
      }
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      tally.record(c, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), millisSince(start));
    } catch (HttpTimeoutException | java.net.SocketTimeoutException e) {
      tally.transportError(c, e, true);
    } catch (IOException e) {
      tally.transportError(c, e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest request(HttpCase c) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.target()))
        .timeout(timeout);
    for (String[] h : c.headers()) {
      b.header(h[0], h[1]);
    }
    b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
    return b.build();
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
