package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.Limits;
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
    Caller caller = Requests.caller(ctx);
    // Checked here for a quick answer; the orchestrator checks again, so a concurrent create of the
    // same name still gets exactly one 201 and a 409 for the others.
    if (!caller.retrySafe()) {
      backend.service(spec.name()).ifPresent(s -> {
        throw ApiException.conflict("service " + s.name() + " already exists");
      });
    }
    Replies.reply(ctx, caller, backend.createService(spec, caller), 201, this::view, "service " + spec.name());
  }

  private void inspect(Context ctx) {
    ctx.json(view(find(ctx.pathParam("name"))));
  }


  private void update(Context ctx) {
    Long version = Requests.longParam(ctx, "version", VERSION_REQUIRED);
    if (version == null) {
      throw ApiException.badRequest(VERSION_REQUIRED);
    }
    ServiceSpec spec = Requests.spec(ctx);
    Caller caller = Requests.caller(ctx);
    String name = ctx.pathParam("name");
    if (!caller.retrySafe()) {
      Service current = find(name);
      name = current.name();
      if (version != current.version()) {
        throw ApiException.conflict("version " + version + " is stale: the service is at version " + current.version()
            + " (update out of sequence)");
      }
    }
    if (!spec.name().equals(name)) {
      // Names compare regardless of case, but a spec must keep the service's own spelling.
      throw ApiException.badRequest("the spec's name \"" + spec.name() + "\" must equal the service's name \""
          + name + "\" (a service cannot be renamed)");
    }
    Replies.reply(ctx, caller, backend.updateService(spec, version, caller), 200, this::view,
        "update of service " + spec.name());
  }

  private void remove(Context ctx) {
    Caller caller = Requests.caller(ctx);
    String name = caller.retrySafe() ? ctx.pathParam("name") : find(ctx.pathParam("name")).name();
    Replies.reply(ctx, caller, backend.removeService(name, caller), 204, s -> null, "removal of service " + name);
  }

  private void scale(Context ctx) throws Exception {
    JsonNode replicas = Requests.object(ctx, Set.of("replicas")).get("replicas");
    if (replicas == null || !replicas.isIntegralNumber() || !replicas.canConvertToInt() || replicas.asInt() < 0
        || replicas.asInt() > Limits.MAX_REPLICAS) {
      throw ApiException.badRequest("replicas must be an integer from 0 to " + Limits.MAX_REPLICAS
          + ", as in {\"replicas\": 3}");
    }
    Caller caller = Requests.caller(ctx);
    String name = ctx.pathParam("name");
    if (!caller.retrySafe()) {
      Service current = find(name);
      name = current.name();
      if (current.spec() != null && current.spec().isGlobal()) {
        throw ApiException.badRequest("service " + current.name()
            + " is global (one task per eligible node): only replicated services can be scaled");
      }
    }
    Replies.reply(ctx, caller, backend.scaleService(name, replicas.asInt(), caller), 200, this::view,
        "scaling of service " + name);
  }

  private void rollback(Context ctx) throws Exception {
    Caller caller = Requests.caller(ctx);
    String name = ctx.pathParam("name");
    if (!caller.retrySafe()) {
      Service current = find(name);
      name = current.name();
      if (current.previousSpec() == null) {
        throw ApiException.badRequest("service " + current.name() + " has no previous spec to roll back to");
      }
    }
    Replies.reply(ctx, caller, backend.rollbackService(name, null, caller), 200, this::view, "rollback of service " + name);
  }

  private Service find(String nameOrId) {
    return backend.service(nameOrId).orElseThrow(() -> ApiException.notFound("service " + nameOrId + " not found"));
  }

  private ServiceView view(Service s) {
    return ServiceView.of(s, backend.tasksOfService(s.id()));
  }
}
