package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import java.util.Set;

/**
 * {@code /secrets} and {@code /configs}: Shoal has neither yet. Listing answers an empty list
 * ({@code docker stack rm} lists both before it removes anything); creating is refused, so a compose
 * file with secrets or configs fails with a reason instead of deploying without them.
 */
final class EngineSecretRoutes {
  private static final Set<String> FILTERS = Set.of("id", "name", "label", "names");

  void addTo(EngineRouter engine) {
    for (String kind : new String[] {"secrets", "configs"}) {
      String singular = kind.substring(0, kind.length() - 1);
      engine.get("/" + kind, ctx -> {
        DockerFilters.parse(ctx.queryParam("filters"), FILTERS);
        DockerJson.send(ctx, DockerJson.array());
      });
      engine.post("/" + kind + "/create", ctx -> {
        throw ApiException.badRequest("not supported: " + kind + " (Shoal does not store " + kind + " yet)");
      });
      engine.get("/" + kind + "/{id}", ctx -> {
        throw ApiException.notFound(singular + " " + ctx.pathParam("id") + " not found");
      });
      engine.delete("/" + kind + "/{id}", ctx -> {
        throw ApiException.notFound(singular + " " + ctx.pathParam("id") + " not found");
      });
    }
  }
}
