package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.logs.LogService;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code /tasks}: what {@code docker service ps}, {@code node ps}, {@code stack ps} and every
 * attached command's progress display read. Filters as dockerd has them: {@code service} and
 * {@code node} name their object by id, name or prefix; {@code label} matches the service's
 * labels; {@code _up-to-date} (undocumented, sent by every attached create or update) keeps the
 * tasks whose spec is the service's current task template, whatever their state — so during a
 * rollback the tasks of the restored spec count again, as in swarmkit.
 */
final class EngineTaskRoutes {
  private static final Set<String> FILTERS = Set.of("id", "name", "service", "node", "label", "desired-state",
      "_up-to-date");
  private static final Comparator<Task> ORDER = Comparator
      .comparing(Task::serviceName, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::slot, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::nodeId, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Comparator.comparingLong(Task::createdAt).reversed())
      .thenComparing(Task::id);

  private final ClusterBackend backend;
  private final EngineLookup lookup;
  private final LogService logs;

  EngineTaskRoutes(ClusterBackend backend, EngineLookup lookup, LogService logs) {
    this.backend = backend;
    this.lookup = lookup;
    this.logs = logs;
  }

  void addTo(EngineRouter engine) {
    engine.get("/tasks", this::list);
    engine.get("/tasks/{id}", ctx -> DockerJson.send(ctx, TaskObjects.of(task(ctx.pathParam("id")))));
    engine.get("/tasks/{id}/logs", ctx -> {
      Task t = task(ctx.pathParam("id"));
      if (logs != null) {
        logs.engine(ctx, t);
        return;
      }
      throw new ApiException(501, "task logs are not available in Shoal yet (they come with the observability work)");
    });
  }

  private Task task(String ref) {
    return backend.task(ref).or(() -> {
      List<Task> byPrefix = backend.tasks().stream().filter(t -> t.id().startsWith(ref)).limit(2).toList();
      return byPrefix.size() == 1 ? java.util.Optional.of(byPrefix.get(0)) : java.util.Optional.empty();
    }).orElseThrow(() -> ApiException.notFound("task " + ref + " not found"));
  }

  private void list(Context ctx) {
    DockerFilters f = DockerFilters.parse(ctx.queryParam("filters"), FILTERS);
    Set<String> serviceIds = new HashSet<>();
    for (String ref : f.values("service")) {
      serviceIds.add(lookup.service(ref).id());
    }
    Set<String> nodeIds = new HashSet<>();
    for (String ref : f.values("node")) {
      nodeIds.add(lookup.isControlPlane(ref) ? ref : lookup.node(ref).id());
    }
    Map<String, Service> services = new HashMap<>();
    backend.services().forEach(s -> services.put(s.id(), s));
    List<Task> candidates = serviceIds.isEmpty() ? backend.tasks()
        : serviceIds.stream().flatMap(id -> backend.tasksOfService(id).stream()).toList();
    Predicate<Task> keep = t -> f.matchesPrefix("id", t.id())
        && f.matchesPrefix("name", t.name())
        && (nodeIds.isEmpty() || nodeIds.contains(t.nodeId()))
        && f.matchesExactly("desired-state", t.desiredState() == null ? null
            : t.desiredState().name().toLowerCase(Locale.ROOT))
        && (!f.has("label") || f.matchesLabels("label", labelsOf(services.get(t.serviceId()))))
        && (!f.values("_up-to-date").contains("true") || upToDate(t, services.get(t.serviceId())));
    ArrayNode out = DockerJson.array();
    candidates.stream().filter(keep).sorted(ORDER).forEach(t -> out.add(TaskObjects.of(t)));
    DockerJson.send(ctx, out);
  }

  private static Map<String, String> labelsOf(Service s) {
    return s == null ? null : s.spec().labels();
  }

  /** swarmkit's "not dirty": the task runs the service's current template (a scale changes none). */
  static boolean upToDate(Task t, Service s) {
    if (s == null) {
      return false;
    }
    if (t.spec() == null) {
      return t.specVersion() == s.version();
    }
    return t.spec().taskTemplate().equals(s.spec().taskTemplate());
  }
}
