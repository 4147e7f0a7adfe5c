package dev.shoal.gateway.rest;

import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.SpecValidator;
import io.javalin.router.JavalinDefaultRoutingApi;

/** Health ({@code /_ping}), the OpenAPI document and the service spec's JSON Schema. */
public final class MetaRoutes implements RouteTable {
  private final String openApi = OpenApiDocument.text();
  private final String specSchema = SpecValidator.schemaText();

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/_ping", ctx -> ctx.contentType("text/plain; charset=utf-8").result("OK"));
    routes.get("/v1/openapi.json", ctx -> ctx.contentType("application/json; charset=utf-8").result(openApi));
    routes.get("/v1/schemas/service-spec.json", ctx -> ctx.contentType("application/schema+json; charset=utf-8").result(specSchema));
  }
}
