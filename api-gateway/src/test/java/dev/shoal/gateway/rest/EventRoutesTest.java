package dev.shoal.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.gateway.Http.Response;
import dev.shoal.schemas.ClusterEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventRoutesTest extends RoutesTestBase {
  private final long now = NOW.toEpochMilli();

  @BeforeEach
  void events() {
    backend.events.add(event("service.created", "web", now - 3_600_000));
    backend.events.add(event("task.failed", "t1", now - 60_000));
    backend.events.add(event("service.updated", "web", now - 120_000));
    backend.events.add(event("spec.rejected", "db", now - 1_000));
  }

  @Test
  void listsAllEventsOldestFirst() {
    assertThat(ids(http.get("/v1/events"))).containsExactly("service.created", "service.updated", "task.failed",
        "spec.rejected");
  }

  @Test
  void filtersSinceEpochMillisRfc3339OrADurationAgo() {
    assertThat(ids(http.get("/v1/events?since=" + (now - 60_000)))).containsExactly("task.failed", "spec.rejected");
    assertThat(ids(http.get("/v1/events?since=2025-01-01T11:58:00Z"))).containsExactly("service.updated",
        "task.failed", "spec.rejected");
    assertThat(ids(http.get("/v1/events?since=2025-01-01T13:59:30%2B02:00"))).containsExactly("spec.rejected");
    assertThat(ids(http.get("/v1/events?since=90s"))).containsExactly("task.failed", "spec.rejected");
    assertThat(ids(http.get("/v1/events?since=2h"))).hasSize(4);
  }

  @Test
  void filtersByType() {
    assertThat(ids(http.get("/v1/events?type=spec.rejected"))).containsExactly("spec.rejected");
    assertThat(ids(http.get("/v1/events?type=service.updated&since=1m"))).isEmpty();
  }

  @Test
  void refusesAnUnreadableSince() {
    for (String since : new String[] {"yesterday", "10 minutes", "2025-13-01T00:00:00Z", "-5m"}) {
      Response r = http.get("/v1/events?since=" + since.replace(" ", "%20"));
      assertThat(r.status()).as(since).isEqualTo(400);
      assertThat(r.message()).as(since).startsWith("since must be epoch milliseconds");
    }
  }

  private static ClusterEvent event(String type, String entity, long time) {
    return new ClusterEvent(type, "service", entity, type + " " + entity, Map.of(), time);
  }

  private static List<String> ids(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return StreamSupport.stream(r.json().spliterator(), false).map(n -> n.get("type").asText()).toList();
  }
}
