package dev.shoal.gateway.rest;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.ErrorMapping;
import dev.shoal.gateway.RouteTable;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.shoal.schemas.SpecValidator;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Health ({@code /_ping}, {@code /v1/health}), the OpenAPI document and the service spec's JSON
 * Schema. Health is the read side's: a gateway whose read model is stopped or behind answers 503
 * with the reason, so a load balancer stops sending it requests it would answer wrongly.
 */
public final class MetaRoutes implements RouteTable {
  private final ClusterBackend backend;

  public MetaRoutes(ClusterBackend backend) {
    this.backend = backend;
  }

  private final String openApi = OpenApiDocument.text();
  private final String specSchema = SpecValidator.schemaText();

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_ping", this::ping);
    routes.head("/_ping", this::ping);
    routes.get("/v1/health", this::health);
    routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json; charset=utf-8").result(openApi));
    routes.get("/v1/schemas/service-spec.json", ctx -> ctx.contentType("application/schema+json; charset=utf-8").result(specSchema));
  }

  private void ping(Context ctx) {
    ClusterBackend.Health h = backend.health();
    if (h.ok()) {
      ctx.contentType("text/plain; charset=utf-8").result("OK");
    } else {
      ErrorMapping.write(ctx, 503, h.reason());
    }
  }

  private void health(Context ctx) {
    ClusterBackend.Health h = backend.health();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", h.ok() ? "ok" : "unavailable");
    if (h.reason() != null) {
      body.put("reason", h.reason());
    }
    body.put("behindRecords", h.behindRecords());
    ctx.status(h.ok() ? 200 : 503).json(body);
  }
}
