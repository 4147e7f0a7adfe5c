package dev.shoal.gateway.ingress;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.RouteTable;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * {@code /v1/ingress}: the ports this gateway publishes, the tasks behind each and their traffic
 * (requests or connections in flight, served, failed). Per gateway: each one counts what passed
 * through it.
 */
public final class IngressRoutes implements RouteTable {
  private final IngressServer ingress;

  public IngressRoutes(IngressServer ingress) {
    this.ingress = ingress;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/ingress", ctx -> ctx.json(ingress.view()));
    routes.get("/v1/ingress/{port}", this::one);
  }

  private void one(Context ctx) {
    String text = ctx.pathParam("port");
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("port must be a number, got \"" + text + "\"");
    }
    ctx.json(ingress.view().stream().filter(p -> p.port() == port).findFirst()
        .orElseThrow(() -> ApiException.notFound("no service publishes port " + port)));
  }
}
