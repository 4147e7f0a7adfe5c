package dev.shoal.gateway.ingress;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.RouteTable;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /v1/ingress}: the ports this gateway publishes, the tasks behind each and their traffic
 * (requests or connections in flight, served, failed). Per gateway: each one counts what passed
 * through it. A gateway without ingress ({@code --no-ingress}) publishes nothing: an empty list.
 */
public final class IngressRoutes implements RouteTable {
  private final Supplier<IngressServer> ingress;

  /** {@code ingress} gives the gateway's ingress when asked, or null when it has none. */
  public IngressRoutes(Supplier<IngressServer> ingress) {
    this.ingress = ingress;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/ingress", ctx -> ctx.json(view()));
    routes.get("/v1/ingress/{port}", this::one);
  }

  private List<PortView> view() {
    IngressServer server = ingress.get();
    return server == null ? List.of() : server.view();
  }

  private void one(Context ctx) {
    String text = ctx.pathParam("port");
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("port must be a number, got \"" + text + "\"");
    }
    ctx.json(view().stream().filter(p -> p.port() == port).findFirst()
        .orElseThrow(() -> ApiException.notFound(ingress.get() == null ? "this gateway publishes no ports (no ingress)"
            : "no service publishes port " + port)));
  }
}
