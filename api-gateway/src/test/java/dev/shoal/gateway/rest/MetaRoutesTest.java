package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.Http.Response;
import dev.shoal.schemas.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MetaRoutesTest extends RoutesTestBase {

  @Test
  void pingsOk() {
    Response r = http.get("/_ping");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("OK");
  }

  @Test
  void pingAndHealthSay503WithTheReasonWhenReadsAreNotCurrent() {
    backend.health = dev.shoal.gateway.ClusterBackend.Health.failing("the read model is 20000 records behind", 20_000);
    Response ping = http.get("/_ping");
    assertThat(ping.status()).isEqualTo(503);
    assertThat(ping.message()).isEqualTo("the read model is 20000 records behind");
    Response health = http.get("/v1/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().get("reason").asText()).contains("behind");
    assertThat(health.json().get("behindRecords").asLong()).isEqualTo(20_000);
    backend.health = dev.shoal.gateway.ClusterBackend.Health.ok(3);
    assertThat(http.get("/v1/health").json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void servesTheSpecSchema() {
    Response r = http.get("/v1/schemas/service-spec.json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(SpecValidator.schemaText());
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRoutesServed() {
    JsonNode doc = http.get("/v1/openapi.json").json();
    assertThat(doc.get("openapi").asText()).startsWith("3.0");

    List<String> documented = new ArrayList<>();
    doc.get("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (!m.equals("parameters")) {
        documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
      }
    }));
    // The logs routes come with a gateway over Kafka (LogService), which this test's server is not.
    List<String> served = new ArrayList<>(server.routes());
    served.addAll(List.of("GET /v1/services/{name}/logs", "GET /v1/tasks/{id}/logs"));
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
  }
}
