package dev.shoal.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.ErrorMapping;
import dev.shoal.gateway.Http;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.ServiceHistory;
import io.javalin.Javalin;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/services/{name}/history}'s parameters (page size, cursor, name) and answers, over a
 * source that records what it was asked; reading the logs is {@code AuditIT}'s.
 */
class HistoryRoutesTest {
  private final List<String> asked = new ArrayList<>();
  private ServiceHistory page = new ServiceHistory("web", "logs", List.of(entry()), null, null);
  private Javalin app;

  private Http serve(HistorySource source) {
    app = Javalin.create(cfg -> {
      ErrorMapping.install(cfg.routes);
      new HistoryRoutes(source).addTo(cfg.routes);
    }).start("127.0.0.1", 0);
    return new Http(app.port());
  }

  private Http recording() {
    return serve((service, limit, before) -> {
      asked.add(service + " limit=" + limit + " before=" + before);
      return page;
    });
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  @Test
  void aPageIsTwentyRequestsUnlessToldAndTheCursorIsPassedOn() {
    Http http = recording();
    assertThat(http.get("/v1/services/web/history").status()).isEqualTo(200);
    assertThat(http.get("/v1/services/web/history?limit=100&before=42").status()).isEqualTo(200);
    assertThat(http.get("/v1/services/web/history?limit=1&before=0").status()).isEqualTo(200);
    assertThat(asked).containsExactly("web limit=20 before=null", "web limit=100 before=42", "web limit=1 before=0");
  }

  @Test
  void outOfRangeOrUnreadableParametersAre400WithTheReasonAndReadNothing() {
    Http http = recording();
    Http.Response zero = http.get("/v1/services/web/history?limit=0");
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.message()).isEqualTo("limit must be from 1 to 100, got 0");
    assertThat(http.get("/v1/services/web/history?limit=101").message()).isEqualTo("limit must be from 1 to 100, got 101");
    assertThat(http.get("/v1/services/web/history?limit=ten").message()).isEqualTo("limit must be a number, got 'ten'");
    assertThat(http.get("/v1/services/web/history?before=-1").status()).isEqualTo(400);
    assertThat(http.get("/v1/services/-bad-/history").status()).isEqualTo(400);
    assertThat(asked).isEmpty();
  }

  @Test
  void aServiceNoRequestConcernedIs404() {
    page = new ServiceHistory("nothing", "logs", List.of(), null, null);
    Http.Response r = recording().get("/v1/services/nothing/history");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.message()).isEqualTo("no history for service nothing");
  }

  @Test
  void aGatewayWithoutKafkaSaysWhyItHasNoHistory() {
    Http.Response r = serve(HistorySource.NONE).get("/v1/services/web/history");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.message()).contains("no Kafka connection");
  }

  private static HistoryEntry entry() {
    return new HistoryEntry(1, 1_000, "created", "spec-applied", "spec of web by alice", "alice", "r-1", "applied", 1L,
        null, null, null);
  }
}
