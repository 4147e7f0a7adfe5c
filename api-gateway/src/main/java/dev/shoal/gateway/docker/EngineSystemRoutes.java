package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;

/**
 * Version negotiation and the engine as a whole: the engine's headers on {@code /_ping} (the first
 * request of every CLI command, served by Shoal's health route),
 * {@code /version}, {@code /info}, and {@code /distribution/{image}/json}, which the CLI calls to
 * pin an image digest and which Shoal declines (the CLI then keeps the tag and says so itself).
 */
final class EngineSystemRoutes {
  private final ClusterBackend backend;
  private final ControlPlane controlPlane;
  private final Clock clock;

  EngineSystemRoutes(ClusterBackend backend, ControlPlane controlPlane, Clock clock) {
    this.backend = backend;
    this.controlPlane = controlPlane;
    this.clock = clock;
  }

  void addTo(JavalinDefaultRoutingApi routes, EngineRouter engine) {
    // /_ping itself is Shoal's health route (MetaRoutes: 200 "OK", or 503 with the reason); the
    // engine's headers go on it either way, so the CLI negotiates even with an unhealthy gateway.
    routes.before("/_ping", EngineHeaders::applyPing);
    routes.head("/v{apiVersion}/_ping", EngineSystemRoutes::ping);
    routes.get("/v{apiVersion}/_ping", ctx -> {
      EngineHeaders.applyPing(ctx);
      ctx.contentType("text/plain; charset=utf-8").result("OK");
    });
    engine.get("/version", ctx -> DockerJson.send(ctx, SystemObjects.version()));
    engine.get("/info", this::info);
    engine.get("/distribution/<image>/json", ctx -> {
      throw new ApiException(501, "not supported: Shoal does not resolve image digests; every node runs the image "
          + ctx.pathParam("image") + " by its tag");
    });
  }

  private static void ping(Context ctx) {
    EngineHeaders.applyPing(ctx);
    ctx.status(200).contentType("text/plain; charset=utf-8");
  }

  private void info(Context ctx) {
    String addr = EngineAddress.of(ctx);
    ObjectNode cluster = SwarmObjects.cluster(controlPlane, backend.clusterInfo());
    DockerJson.send(ctx, SystemObjects.info(controlPlane, backend.nodes(), backend.tasks(), cluster, addr,
        clock.millis()));
  }
}
