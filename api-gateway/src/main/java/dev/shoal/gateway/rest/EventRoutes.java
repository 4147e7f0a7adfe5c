package dev.shoal.gateway.rest;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.ClusterEvent;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.util.Comparator;
import java.util.function.Predicate;

/**
 * {@code /v1/events}: the recent events the gateway keeps, oldest first, optionally since a time
 * and of one type.
 */
public final class EventRoutes implements RouteTable {
  private final ClusterBackend backend;
  private final Clock clock;

  public EventRoutes(ClusterBackend backend, Clock clock) {
    this.backend = backend;
    this.clock = clock;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/events", this::list);
  }

  private void list(Context ctx) {
    String since = ctx.queryParam("since");
    String type = ctx.queryParam("type");
    Predicate<ClusterEvent> filter = e -> true;
    if (since != null && !since.isBlank()) {
      long from = Since.parse(since, clock.instant());
      filter = filter.and(e -> e.time() >= from);
    }
    if (type != null && !type.isBlank()) {
      filter = filter.and(e -> type.equals(e.type()));
    }
    // Events from different partitions arrive interleaved; a stable sort keeps arrival order for ties.
    ctx.json(backend.events().stream().filter(filter).sorted(Comparator.comparingLong(ClusterEvent::time)).toList());
  }
}
