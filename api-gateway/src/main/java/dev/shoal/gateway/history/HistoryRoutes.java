package dev.shoal.gateway.history;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.audit.ServiceHistory;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * {@code GET /v1/services/{name}/history?limit=20&before=CURSOR}: a page of the service's history
 * from the logs ({@link HistorySource}, {@link ControlLogHistory} over Kafka): its requests, who made them and when, with their
 * outcomes, versions and spec diffs, and its update and rollback events, oldest first. {@code older}
 * in the answer is the cursor of the page before. A read: the reader role suffices
 * ({@code AccessRules}' default for reads).
 */
public final class HistoryRoutes implements RouteTable {
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 100;

  private final HistorySource history;

  public HistoryRoutes(HistorySource history) {
    this.history = history;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/services/{name}/history", this::history);
  }

  private void history(Context ctx) {
    String name = ctx.pathParam("name");
    if (!Identifiers.serviceName(name)) {
      throw ApiException.badRequest(Identifiers.serviceNameProblem(name));
    }
    int limit = number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT).intValue();
    Long before = ctx.queryParam("before") == null ? null : number(ctx, "before", 0, 0, Long.MAX_VALUE);
    ServiceHistory h = history.read(name, limit, before);
    if (h.entries().isEmpty() && h.older() == null) {
      throw ApiException.notFound("no history for service " + name + (before == null ? "" : " before " + before));
    }
    ctx.json(h);
  }

  private static Long number(Context ctx, String param, long fallback, long min, long max) {
    String v = ctx.queryParam(param);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw ApiException.badRequest(param + " must be from " + min + " to " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(param + " must be a number, got '" + v + "'");
    }
  }
}
