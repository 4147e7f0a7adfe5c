package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.schemas.Service;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /networks}, as far as {@code docker stack deploy} and {@code stack rm} need them: the
 * {@code ingress} network (the gateway's routing of published ports) and each stack's default
 * network. Creating any other network is refused: Shoal has no overlay networking.
 */
final class EngineNetworkRoutes {
  private static final Set<String> FILTERS = Set.of("id", "name", "label", "driver", "scope", "type");

  private final ClusterBackend backend;
  private final ControlPlane controlPlane;
  private final StackNetworkRegistry registry;
  private final Clock clock;

  EngineNetworkRoutes(ClusterBackend backend, ControlPlane controlPlane, StackNetworkRegistry registry, Clock clock) {
    this.backend = backend;
    this.controlPlane = controlPlane;
    this.registry = registry;
    this.clock = clock;
  }

  void addTo(EngineRouter engine) {
    engine.get("/networks", this::list);
    engine.get("/networks/{id}", this::inspect);
    engine.post("/networks/create", this::create);
    engine.delete("/networks/{id}", this::remove);
  }

  private void list(Context ctx) {
    DockerFilters f = DockerFilters.parse(ctx.queryParam("filters"), FILTERS);
    ArrayNode out = DockerJson.array();
    for (ObjectNode n : networks()) {
      Map<String, String> labels = n.get("Labels").isNull() ? Map.of()
          : Map.of(StackNetworks.NAMESPACE_LABEL, n.get("Labels").path(StackNetworks.NAMESPACE_LABEL).asText());
      boolean builtin = n.get("Ingress").asBoolean();
      if (f.matchesPrefix("id", n.get("Id").asText()) && f.matchesPrefix("name", n.get("Name").asText())
          && f.matchesLabels("label", labels) && f.matchesExactly("driver", "overlay")
          && f.matchesExactly("scope", "swarm") && f.matchesExactly("type", builtin ? "builtin" : "custom")) {
        out.add(n);
      }
    }
    DockerJson.send(ctx, out);
  }

  private List<ObjectNode> networks() {
    List<ObjectNode> out = new ArrayList<>();
    out.add(NetworkObjects.ingress(controlPlane));
    registry.all(backend.services(), clock.millis()).values()
        .forEach(n -> out.add(NetworkObjects.stackDefault(n.name(), n.createdAt(), n.labels())));
    return out;
  }

  private void inspect(Context ctx) {
    String ref = ctx.pathParam("id");
    if (isIngress(ref)) {
      DockerJson.send(ctx, NetworkObjects.ingress(controlPlane));
      return;
    }
    StackNetworkRegistry.StackNetwork n = find(ref);
    DockerJson.send(ctx, NetworkObjects.stackDefault(n.name(), n.createdAt(), n.labels()));
  }

  private void create(Context ctx) {
    SpecFields.Problems problems = new SpecFields.Problems();
    SpecFields body = new SpecFields(DockerJson.body(ctx), "", problems);
    String name = body.text("Name");
    String driver = body.text("Driver");
    Map<String, String> labels = body.stringMap("Labels");
    body.flag("CheckDuplicate");
    body.allow("Scope", "swarm");
    body.refuse("Internal", null);
    body.refuse("Attachable", "Shoal has no overlay networking to attach containers to");
    body.refuse("Ingress", null);
    body.refuse("IPAM", null);
    body.refuse("Options", null);
    body.refuse("EnableIPv6", null);
    body.refuse("ConfigOnly", null);
    body.refuse("ConfigFrom", null);
    body.finish();
    if (problems.any()) {
      throw ApiException.badRequest(problems.message());
    }
    if (name == null) {
      throw ApiException.badRequest("a network needs a name");
    }
    Optional<String> stack = StackNetworks.stackOf(labels);
    if (driver != null && !driver.equals("overlay")) {
      throw ApiException.badRequest("not supported: network driver " + driver + " (Shoal has no local networks)");
    }
    if (stack.isEmpty() || !name.equals(StackNetworks.defaultNetworkOf(stack.get()))) {
      throw ApiException.badRequest("not supported: network " + name + " (Shoal has no overlay networking: tasks are "
          + "reached through their published ports; only the default network of a stack is accepted)");
    }
    StackNetworkRegistry.StackNetwork n = new StackNetworkRegistry.StackNetwork(name, stack.get(), clock.millis());
    if (!registry.create(n, backend.services())) {
      throw ApiException.conflict("network with name " + name + " already exists");
    }
    ObjectNode out = DockerJson.object();
    out.put("Id", n.id());
    out.put("Warning", "");
    DockerJson.send(ctx, 201, out);
  }

  private void remove(Context ctx) {
    String ref = ctx.pathParam("id");
    if (isIngress(ref)) {
      throw new ApiException(403, "ingress network cannot be removed: it is the gateway's routing of published ports");
    }
    StackNetworkRegistry.StackNetwork n = find(ref);
    List<String> users = backend.services().stream()
        .filter(s -> StackNetworks.stackOf(s.spec().labels()).map(n.stack()::equals).orElse(false))
        .map(Service::name).sorted().toList();
    if (!users.isEmpty()) {
      throw ApiException.conflict("network " + n.name() + " is in use by service " + String.join(", ", users));
    }
    registry.remove(n);
    ctx.status(204);
  }

  private boolean isIngress(String ref) {
    return NetworkObjects.INGRESS.equals(ref) || NetworkObjects.ingressId(controlPlane).equals(ref);
  }

  private StackNetworkRegistry.StackNetwork find(String ref) {
    return registry.find(ref, backend.services(), clock.millis())
        .orElseThrow(() -> ApiException.notFound("network " + ref + " not found"));
  }
}
