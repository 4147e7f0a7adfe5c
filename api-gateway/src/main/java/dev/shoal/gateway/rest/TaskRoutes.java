package dev.shoal.gateway.rest;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code /v1/tasks}: tasks filtered by service (name or id), node (id or hostname) and desired
 * state, sorted by service, slot, then newest first, so a slot's history reads top down.
 */
public final class TaskRoutes implements RouteTable {
  private static final Comparator<Task> ORDER = Comparator
      .comparing(Task::serviceName, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::slot, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::nodeId, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Comparator.comparingLong(Task::createdAt).reversed())
      .thenComparing(Task::id);

  private final ClusterBackend backend;

  public TaskRoutes(ClusterBackend backend) {
    this.backend = backend;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/tasks", this::list);
    routes.get("/v1/tasks/{id}", this::inspect);
  }

  private void list(Context ctx) {
    Predicate<Task> filter = serviceFilter(ctx.queryParam("service"))
        .and(nodeFilter(ctx.queryParam("node")))
        .and(desiredStateFilter(ctx.queryParam("desired-state")));
    String service = ctx.queryParam("service");
    java.util.List<Task> candidates = service == null || service.isBlank() ? backend.tasks()
        : backend.service(service).map(s -> backend.tasksOfService(s.id())).filter(l -> !l.isEmpty())
            .orElseGet(backend::tasks);
    ctx.json(candidates.stream().filter(filter).sorted(ORDER).map(TaskView::of).toList());
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
