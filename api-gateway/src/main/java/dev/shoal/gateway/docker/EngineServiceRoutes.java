package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.logs.LogService;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /services}: list, create, inspect, update (also scale and rollback, which the CLI sends as
 * updates), remove, and logs. A spec from the engine API is translated ({@link SwarmSpecReader}) and
 * then validated by {@link SpecValidator}, the same check {@code /v1} makes; the orchestrator
 * decides the rest (a taken name, a stale version) through the one backend both surfaces share.
 */
final class EngineServiceRoutes {
  private static final Set<String> FILTERS = Set.of("id", "name", "label", "mode");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterBackend backend;
  private final EngineLookup lookup;
  private final LogService logs;

  EngineServiceRoutes(ClusterBackend backend, EngineLookup lookup, LogService logs) {
    this.backend = backend;
    this.lookup = lookup;
    this.logs = logs;
  }

  void addTo(EngineRouter engine) {
    engine.get("/services", this::list);
    engine.post("/services/create", this::create);
    engine.get("/services/{id}", ctx -> DockerJson.send(ctx, ServiceObjects.of(lookup.service(ctx.pathParam("id")), null)));
    engine.post("/services/{id}/update", this::update);
    engine.delete("/services/{id}", this::remove);
    engine.get("/services/{id}/logs", this::logs);
  }

  private void list(Context ctx) {
    DockerFilters f = DockerFilters.parse(ctx.queryParam("filters"), FILTERS);
    boolean status = "true".equals(ctx.queryParam("status")) || "1".equals(ctx.queryParam("status"));
    Map<String, List<Task>> tasksByService = status
        ? backend.tasks().stream().filter(t -> t.serviceId() != null).collect(Collectors.groupingBy(Task::serviceId))
        : Map.of();
    ArrayNode out = DockerJson.array();
    backend.services().stream()
        .filter(s -> f.matchesPrefix("id", s.id()) && f.matchesPrefix("name", s.name())
            && f.matchesLabels("label", s.spec().labels()) && f.matchesExactly("mode", s.spec().mode()))
        .sorted(Comparator.comparing(Service::name))
        .forEach(s -> out.add(ServiceObjects.of(s, status ? tasksByService.getOrDefault(s.id(), List.of()) : null)));
    DockerJson.send(ctx, out);
  }

  private void create(Context ctx) {
    SwarmSpecReader.Result read = SwarmSpecReader.read(DockerJson.body(ctx));
    ObjectNode shoal = read.spec();
    if (!shoal.hasNonNull("name")) {
      shoal.put("name", generatedName()); // the engine names a service the client did not name
    }
    ServiceSpec spec = validated(shoal);
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    EngineReplies.answer(ctx, caller, backend.createService(spec, caller),
        (code, reason) -> code == RejectionCode.CONFLICT
            ? ApiException.conflict("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service "
                + spec.name() + " already exists")
            : ApiException.fromRejection(code, reason),
        (c, s) -> {
          ObjectNode body = DockerJson.object();
          body.put("ID", s.id());
          if (!read.warnings().isEmpty()) {
            body.set("Warnings", EngineReplies.warnings(read.warnings()).get("Warnings"));
          }
          DockerJson.send(c, 201, body);
        },
        (c, why) -> {
          throw new ApiException(504, "service " + spec.name() + " is not created yet: " + why
              + "; docker service ls shows it once it is");
        });
  }

  private void update(Context ctx) {
    long version = version(ctx);
    Service current = lookup.service(ctx.pathParam("id"));
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    if ("previous".equals(ctx.queryParam("rollback"))) {
      // The body is the current spec; the orchestrator restores the previous one itself, and
      // refuses it (conflict: "update out of sequence") if the service moved on since the client read it.
      EngineReplies.answer(ctx, caller, backend.rollbackService(current.name(), version, caller),
          EngineReplies.Refusal.versioned(),
          (c, s) -> DockerJson.send(c, EngineReplies.warnings(null)),
          (c, why) -> DockerJson.send(c, 202, EngineReplies.warnings(List.of(why))));
      return;
    }
    SwarmSpecReader.Result read = SwarmSpecReader.read(DockerJson.body(ctx));
    ObjectNode shoal = read.spec();
    String name = shoal.hasNonNull("name") ? shoal.get("name").asText() : current.name();
    if (!name.toLowerCase(Locale.ROOT).equals(current.name().toLowerCase(Locale.ROOT))) {
      throw ApiException.badRequest("not supported: renaming a service (" + current.name() + " to " + name + ")");
    }
    shoal.put("name", current.name());
    SpecAlignment.alignTo(shoal, current.spec());
    ServiceSpec spec = validated(shoal);
    EngineReplies.answer(ctx, caller, backend.updateService(spec, version, caller), EngineReplies.Refusal.versioned(),
        (c, s) -> DockerJson.send(c, EngineReplies.warnings(read.warnings())),
        (c, why) -> DockerJson.send(c, 202, EngineReplies.warnings(List.of(why))));
  }

  private void remove(Context ctx) {
    Service current = lookup.service(ctx.pathParam("id"));
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    EngineReplies.answer(ctx, caller, backend.removeService(current.name(), caller), EngineReplies.Refusal.byCode(),
        (c, s) -> EngineReplies.empty(c), EngineReplies::accepted);
  }

  private void logs(Context ctx) {
    Service s = lookup.service(ctx.pathParam("id"));
    if (logs != null) {
      logs.engine(ctx, s);
      return;
    }
    throw new ApiException(501, "service logs are not available in Shoal yet (they come with the observability work); "
        + "meanwhile each task's output is in its container on its node: docker logs " + s.name() + ".<slot>.<task id>");
  }

  private static ServiceSpec validated(ObjectNode shoal) {
    SpecValidator.Result v = SpecValidator.validate(shoal);
    if (!v.valid()) {
      throw ApiException.fromRejection(v.code(), "invalid spec: " + v.message());
    }
    return v.spec();
  }

  /** {@code ?version=} as dockerd requires it on an update. */
  private static long version(Context ctx) {
    String text = ctx.queryParam("version");
    try {
      long v = Long.parseLong(text == null ? "" : text.trim());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid service version '" + (text == null ? "" : text)
          + "': send the Version.Index you read");
    }
  }

  private static String generatedName() {
    StringBuilder b = new StringBuilder("svc_");
    for (int i = 0; i < 10; i++) {
      b.append(Character.forDigit(RANDOM.nextInt(36), 36));
    }
    return b.toString();
  }
}
