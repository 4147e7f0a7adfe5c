package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Registers an engine route twice, as dockerd serves it: unversioned ({@code /services}, what
 * docker-java sends) and under an API version ({@code /v1.41/services}, what the CLI sends after
 * negotiating). Every answer carries the engine's headers; a version above the maximum gets the
 * engine's 400. Shoal's own REST API lives under {@code /v1/} — a version segment without a minor
 * number, which is not an engine version — and its tables are registered first, so they keep
 * their paths.
 */
final class EngineRouter {
  private static final String VERSION_PARAM = "apiVersion";
  private final JavalinDefaultRoutingApi routes;

  EngineRouter(JavalinDefaultRoutingApi routes) {
    this.routes = routes;
  }

  EngineRouter get(String path, Handler h) {
    return add(HandlerType.GET, path, h);
  }

  EngineRouter head(String path, Handler h) {
    return add(HandlerType.HEAD, path, h);
  }

  EngineRouter post(String path, Handler h) {
    return add(HandlerType.POST, path, h);
  }

  EngineRouter delete(String path, Handler h) {
    return add(HandlerType.DELETE, path, h);
  }

  private EngineRouter add(HandlerType type, String path, Handler h) {
    Handler served = ctx -> serve(ctx, h);
    routes.addHttpHandler(type, path, served);
    routes.addHttpHandler(type, "/v{" + VERSION_PARAM + "}" + path, served);
    return this;
  }

  private static void serve(Context ctx, Handler h) throws Exception {
    EngineHeaders.apply(ctx);
    String version = ctx.pathParamMap().get(VERSION_PARAM);
    if (version != null) {
      if (!ApiVersion.isVersionSegment("v" + version)) {
        // e.g. /v1/info: neither a REST route nor an engine version
        throw ApiException.notFound("no route for " + ctx.method().name() + " " + ctx.path());
      }
      ApiVersion.requireSupported(version);
    }
    h.handle(ctx);
  }
}
