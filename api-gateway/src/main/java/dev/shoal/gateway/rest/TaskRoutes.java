package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.gateway.TaskOrder;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code /v1/tasks}: tasks filtered by service (name or id), node (id or hostname) and desired
 * state, sorted by service, slot, then newest first, so a slot's history reads top down.
 */
public final class TaskRoutes implements RouteTable {
  /** Service name, slot, node (missing ones last), newest first, then id ({@link TaskOrder}). */
  static final Comparator<Task> ORDER = TaskOrder.LISTING;

  private final ClusterBackend backend;
  // Renditions of the views listed so far; replaced only if the gateway's mapper were (it is not).
  private volatile TaskJsonCache views;

  public TaskRoutes(ClusterBackend backend) {
    this.backend = backend;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/tasks", this::list);
    routes.get("/v1/tasks/{id}", this::inspect);
  }

  private void list(Context ctx) {
    String service = ctx.queryParam("service");
    Predicate<Task> byService = serviceFilter(service);
    Predicate<Task> others = nodeFilter(ctx.queryParam("node")).and(desiredStateFilter(ctx.queryParam("desired-state")));
    List<Task> ofService = service == null || service.isBlank() ? List.of()
        : backend.service(service).map(s -> backend.tasksOfService(s.id())).orElse(List.of());
    // The service's own tasks all pass its filter; only tasks outliving a removed service need it.
    List<Task> candidates = ofService.isEmpty() ? backend.tasks() : ofService;
    Predicate<Task> filter = ofService.isEmpty() ? byService.and(others) : others;
    // The read model hands a service's tasks out in this order already: the sort is one pass then.
    List<Task> listed = candidates.stream().filter(filter).sorted(ORDER).toList();
    TaskJsonCache cache = cache(ctx);
    if (cache == null) {
      ctx.json(listed.stream().map(TaskView::of).toList());
    } else {
      JsonBodies.write(ctx, cache.array(listed));
    }
  }

  /** The cache for the gateway's JSON mapper; null when that is not Jackson (then nothing is cached). */
  private TaskJsonCache cache(Context ctx) {
    ObjectMapper mapper = JsonBodies.mapper(ctx);
    if (mapper == null) {
      return null;
    }
    TaskJsonCache c = views;
    if (c == null || c.mapper() != mapper) {
      c = new TaskJsonCache(mapper, t -> backend.task(t.id()).orElse(null) == t);
      views = c;
    }
    return c;
  }

  private void inspect(Context ctx) {
    String id = ctx.pathParam("id");
    ctx.json(TaskView.of(backend.task(id).orElseThrow(() -> ApiException.notFound("task " + id + " not found"))));
  }

  private Predicate<Task> serviceFilter(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return t -> true;
    }
    // Tasks of a removed service may outlive it in the read model for a moment; match them by name too.
    Optional<String> id = backend.service(nameOrId).map(Service::id);
    return t -> nameOrId.equals(t.serviceId()) || nameOrId.equals(t.serviceName())
        || id.map(x -> x.equals(t.serviceId())).orElse(false);
  }

  private Predicate<Task> nodeFilter(String idOrHostname) {
    if (idOrHostname == null || idOrHostname.isBlank()) {
      return t -> true;
    }
    Optional<String> id = backend.node(idOrHostname).map(Node::id);
    return t -> idOrHostname.equals(t.nodeId()) || id.map(x -> x.equals(t.nodeId())).orElse(false);
  }

  private static Predicate<Task> desiredStateFilter(String text) {
    if (text == null || text.isBlank()) {
      return t -> true;
    }
    DesiredState wanted;
    try {
      wanted = DesiredState.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("desired-state must be one of running, shutdown, remove; got \"" + text + "\"");
    }
    return t -> t.desiredState() == wanted;
  }
}
