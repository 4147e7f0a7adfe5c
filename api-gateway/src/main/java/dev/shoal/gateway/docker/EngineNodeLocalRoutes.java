package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import io.javalin.http.Handler;

/**
 * The engine endpoints that belong to one machine's engine, not to the cluster: containers,
 * images, volumes, exec, builds, plugins, events and disk usage. {@code docker ps} or
 * {@code docker run} against Shoal gets a sentence saying where to look instead of a bare 404.
 */
final class EngineNodeLocalRoutes {
  private static final String WHY = " belong to each node's engine, not to the cluster: Shoal runs services "
      + "(docker service ls, docker service ps); a task's container is on its node's engine";

  void addTo(EngineRouter engine) {
    refuse(engine, "containers", "/containers/json", "/containers/create", "/containers/<rest>");
    refuse(engine, "images", "/images/json", "/images/create", "/images/<rest>", "/build");
    refuse(engine, "volumes", "/volumes", "/volumes/<rest>");
    refuse(engine, "exec sessions", "/exec/<rest>");
    refuse(engine, "plugins", "/plugins", "/plugins/<rest>");
    refuse(engine, "events and disk usage", "/events", "/system/df");
  }

  private static void refuse(EngineRouter engine, String what, String... paths) {
    Handler h = ctx -> {
      throw new ApiException(501, "not supported: " + what + WHY);
    };
    for (String p : paths) {
      engine.get(p, h).post(p, h).delete(p, h);
    }
  }
}
