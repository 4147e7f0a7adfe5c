package dev.shoal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The standalone endpoint: Prometheus text on {@code /metrics}, nothing else, loopback, a free port on 0. */
class MetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheRegistryInPrometheusTextFormat() throws Exception {
    try (ShoalMetrics metrics = ShoalMetrics.create();
         MetricsServer server = MetricsServer.start(metrics, "127.0.0.1", 0)) {
      Counter.builder("shoal.test.things").register(metrics.registry()).increment(3);
      assertThat(server.port()).isPositive();
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/metrics");

      HttpResponse<String> r = get(server.url());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(ShoalMetrics.CONTENT_TYPE);
      assertThat(r.body()).contains("shoal_test_things_total 3.0")
          .as("the JVM binders are bound once per process").contains("jvm_memory_used_bytes")
          .contains("process_uptime_seconds");
    }
  }

  @Test
  void answersOtherPathsAndMethodsWithoutMetrics() throws Exception {
    try (ShoalMetrics metrics = ShoalMetrics.create();
         MetricsServer server = MetricsServer.start(metrics, "127.0.0.1", 0)) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(base + "/").statusCode()).isEqualTo(404);
      assertThat(get(base + "/metrics/x").statusCode()).isEqualTo(404);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void aTakenPortIsAnError() throws Exception {
    try (ShoalMetrics metrics = ShoalMetrics.create();
         MetricsServer first = MetricsServer.start(metrics, "127.0.0.1", 0)) {
      assertThatThrownBy(() -> MetricsServer.start(metrics, "127.0.0.1", first.port())).isInstanceOf(IOException.class);
    }
  }
}
