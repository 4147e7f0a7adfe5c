package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /v1/services}: list, create, inspect, update (with the version the client read),
 * remove and scale services. Writes check what the read model can tell (existence, version,
 * mode) before publishing, so most mistakes get an answer without a round trip through Kafka.
 */
public final class ServiceRoutes implements RouteTable {
  private static final String VERSION_REQUIRED = "version query parameter is required: send the version you read";

  private final ClusterBackend backend;

  public ServiceRoutes(ClusterBackend backend) {
    this.backend = backend;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/services", this::list);
    routes.post("/v1/services", this::create);
    routes.get("/v1/services/{name}", this::inspect);
    routes.put("/v1/services/{name}", this::update);
    routes.delete("/v1/services/{name}", this::remove);
    routes.post("/v1/services/{name}/scale", this::scale);
    routes.post("/v1/services/{name}/rollback", this::rollback);
  }

  private void list(Context ctx) {
    Map<String, List<Task>> tasksByService = backend.tasks().stream()
        .filter(t -> t.serviceId() != null)
        .collect(Collectors.groupingBy(Task::serviceId));
    ctx.json(backend.services().stream()
        .sorted(Comparator.comparing(Service::name))
        .map(s -> ServiceView.of(s, tasksByService.getOrDefault(s.id(), List.of())))
        .toList());
  }

  private void create(Context ctx) {
    ServiceSpec spec = Requests.spec(ctx);
    if (backend.service(spec.name()).filter(s -> s.name().equals(spec.name())).isPresent()) {
      throw ApiException.conflict("service " + spec.name() + " already exists");
    }
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.applySpec(spec, null, caller), 201, this::view, "service " + spec.name());
  }

  private void inspect(Context ctx) {
    ctx.json(view(find(ctx.pathParam("name"))));
  }

  private void update(Context ctx) {
    Long version = Requests.longParam(ctx, "version", VERSION_REQUIRED);
    if (version == null) {
      throw ApiException.badRequest(VERSION_REQUIRED);
    }
    Service current = find(ctx.pathParam("name"));
    ServiceSpec spec = Requests.spec(ctx);
    if (!spec.name().equals(current.name())) {
      throw ApiException.badRequest("the spec's name \"" + spec.name() + "\" must equal the service's name \""
          + current.name() + "\" (a service cannot be renamed)");
    }
    if (version != current.version()) {
      throw ApiException.conflict("version " + version + " is stale: the service is at version " + current.version());
    }
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.applySpec(spec, version, caller), 200, this::view, "update of service " + spec.name());
  }

  private void remove(Context ctx) {
    Service current = find(ctx.pathParam("name"));
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.removeService(current, caller), 204, s -> null, "removal of service " + current.name());
  }

  private void scale(Context ctx) throws Exception {
    JsonNode replicas = Requests.object(ctx, Set.of("replicas")).get("replicas");
    if (replicas == null || !replicas.isIntegralNumber() || !replicas.canConvertToInt() || replicas.asInt() < 0) {
      throw ApiException.badRequest("replicas must be an integer of 0 or more, as in {\"replicas\": 3}");
    }
    Service current = find(ctx.pathParam("name"));
    if (current.spec() != null && current.spec().isGlobal()) {
      throw ApiException.badRequest("service " + current.name()
          + " is global (one task per eligible node): only replicated services can be scaled");
    }
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.scaleService(current, replicas.asInt(), caller), 200, this::view,
        "scaling of service " + current.name());
  }

  private void rollback(Context ctx) throws Exception {
    Service current = find(ctx.pathParam("name"));
    if (current.previousSpec() == null) {
      throw ApiException.badRequest("service " + current.name() + " has no previous spec to roll back to");
    }
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.rollbackService(current, caller), 200, this::view,
        "rollback of service " + current.name());
  }

  private Service find(String nameOrId) {
    return backend.service(nameOrId).orElseThrow(() -> ApiException.notFound("service " + nameOrId + " not found"));
  }

  private ServiceView view(Service s) {
    return ServiceView.of(s, backend.tasks());
  }
}
