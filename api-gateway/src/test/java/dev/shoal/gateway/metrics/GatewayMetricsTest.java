package dev.shoal.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.gateway.security.ApiSecurity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on the API port: request metrics by route template, the read model, the security layer. */
class GatewayMetricsTest {
  private static final String READER = "reader-token-0123456789";
  private static final String ADMIN = "admin-token-0123456789";
  @TempDir
  Path dir;

  private static GatewayServer gateway(InMemoryClusterBackend backend, ApiSecurity security) {
    return new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null).withSecurity(security),
        backend, Clock.systemUTC(), List.of()).start();
  }

  @Test
  void requestsAreCountedByRouteTemplateAndStatusNeverByPath() {
    InMemoryClusterBackend backend = new InMemoryClusterBackend();
    try (GatewayServer server = gateway(backend, ApiSecurity.none())) {
      Http http = new Http(server.port());
      assertThat(http.get("/v1/services").status()).isEqualTo(200);
      assertThat(http.get("/v1/services").status()).isEqualTo(200);
      assertThat(http.get("/v1/services/nope-1").status()).isEqualTo(404);
      assertThat(http.get("/v1/services/nope-2").status()).isEqualTo(404);
      assertThat(http.get("/no/such/path/x1").status()).isEqualTo(404);

      Http.Response r = http.get("/metrics");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(r.body())
          .contains("shoal_gateway_requests_seconds_count{method=\"GET\",route=\"/v1/services\",status=\"200\"} 2")
          .contains("shoal_gateway_requests_seconds_count{method=\"GET\",route=\"/v1/services/{name}\",status=\"404\"} 2")
          .contains("route=\"unmatched\",status=\"404\"} 1")
          .contains("shoal_gateway_requests_seconds_bucket{method=\"GET\",route=\"/v1/services\",status=\"200\",le=\"0.005\"}")
          .doesNotContain("nope-1").doesNotContain("x1")
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void theReadModelsLagAndHealthAreGauges() {
    InMemoryClusterBackend backend = new InMemoryClusterBackend();
    try (GatewayServer server = gateway(backend, ApiSecurity.none())) {
      Http http = new Http(server.port());
      backend.health = ClusterBackend.Health.failing("the read model is 20000 records behind", 20_000);
      assertThat(http.get("/metrics").body()).contains("shoal_gateway_read_model_lag_records 20000.0")
          .contains("shoal_gateway_read_model_healthy 0.0");
      backend.health = ClusterBackend.Health.ok(3);
      assertThat(http.get("/metrics").body()).contains("shoal_gateway_read_model_lag_records 3.0")
          .contains("shoal_gateway_read_model_healthy 1.0");
    }
  }

  @Test
  void withTokensPrometheusNeedsAReaderToken() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.createFile(tokens, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tokens, READER + " prometheus reader\n" + ADMIN + " ops admin\n", StandardCharsets.UTF_8);
    try (GatewayServer server = gateway(new InMemoryClusterBackend(), ApiSecurity.none().withTokensFile(tokens))) {
      Http http = new Http(server.port());
      assertThat(http.get("/metrics").status()).isEqualTo(401);
      Http.Response ok = http.send("GET", "/metrics", null, "Authorization", "Bearer " + READER);
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body()).as("the refused scrape was counted too")
          .containsPattern("shoal_gateway_requests_seconds_count\\{method=\"GET\",route=\"[^\"]+\",status=\"401\"} 1");
    }
  }
}
