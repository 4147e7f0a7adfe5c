package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /nodes}: the agents, plus the control plane ({@link ControlPlane}) as the swarm's manager.
 * An update carries the whole node spec ({@code docker node update}, {@code promote},
 * {@code demote} all send it) with the version read; the orchestrator checks both. A node's role is
 * a placement attribute in Shoal ({@code node.role==manager} constraints): promoting an agent does
 * not make it take part in decisions.
 */
final class EngineNodeRoutes {
  private static final Set<String> FILTERS = Set.of("id", "name", "role", "membership", "label", "node.label");
  private static final String CONTROL_PLANE_IS_NOT_AN_AGENT = "the control plane node is Shoal's orchestrator and "
      + "gateways, not a node agent; it cannot be changed or removed";

  private final ClusterBackend backend;
  private final EngineLookup lookup;
  private final ControlPlane controlPlane;

  EngineNodeRoutes(ClusterBackend backend, EngineLookup lookup, ControlPlane controlPlane) {
    this.backend = backend;
    this.lookup = lookup;
    this.controlPlane = controlPlane;
  }

  void addTo(EngineRouter engine) {
    engine.get("/nodes", this::list);
    engine.get("/nodes/{id}", this::inspect);
    engine.post("/nodes/{id}/update", this::update);
    engine.delete("/nodes/{id}", this::remove);
  }

  private void list(Context ctx) {
    DockerFilters f = DockerFilters.parse(ctx.queryParam("filters"), FILTERS);
    ArrayNode out = DockerJson.array();
    if (f.matchesPrefix("id", controlPlane.nodeId()) && f.matchesPrefix("name", ControlPlane.HOSTNAME)
        && f.matchesExactly("role", Node.ROLE_MANAGER) && !f.has("label") && !f.has("node.label")) {
      out.add(controlPlaneNode(ctx));
    }
    backend.nodes().stream()
        .filter(n -> f.matchesPrefix("id", n.id()) && f.matchesPrefix("name", n.hostname())
            && f.matchesExactly("role", n.role())
            && f.matchesLabels("label", n.description() == null ? null : n.description().engineLabels())
            && f.matchesLabels("node.label", n.labels()))
        .sorted(java.util.Comparator.comparing(Node::hostname).thenComparing(Node::id))
        .forEach(n -> out.add(NodeObjects.of(n)));
    DockerJson.send(ctx, out);
  }

  private void inspect(Context ctx) {
    String ref = ctx.pathParam("id");
    DockerJson.send(ctx, lookup.isControlPlane(ref) ? controlPlaneNode(ctx) : NodeObjects.of(lookup.node(ref)));
  }

  private ObjectNode controlPlaneNode(Context ctx) {
    ClusterBackend.Health h = backend.health();
    return controlPlane.node(h.ok(), h.reason(), EngineAddress.of(ctx));
  }

  private void update(Context ctx) {
    String ref = ctx.pathParam("id");
    if (lookup.isControlPlane(ref)) {
      throw ApiException.badRequest("not supported: " + CONTROL_PLANE_IS_NOT_AN_AGENT);
    }
    long version = version(ctx);
    Node current = lookup.node(ref);
    SpecFields.Problems problems = new SpecFields.Problems();
    SpecFields spec = new SpecFields(DockerJson.body(ctx), "", problems);
    spec.refuse("Name", "Shoal names a node by its hostname");
    Map<String, String> labels = spec.stringMap("Labels");
    String role = spec.text("Role");
    String availability = spec.text("Availability");
    spec.finish();
    if (problems.any()) {
      throw ApiException.badRequest(problems.message());
    }
    // The engine's node spec is whole: absent labels mean none.
    Command.UpdateNode command = new Command.UpdateNode(current.id(), availability, role,
        labels == null ? Map.of() : new TreeMap<>(labels), version);
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    EngineReplies.answer(ctx, caller, backend.updateNode(command, caller), EngineReplies.Refusal.versioned(),
        (c, n) -> EngineReplies.empty(c), EngineReplies::accepted);
  }

  private void remove(Context ctx) {
    String ref = ctx.pathParam("id");
    if (lookup.isControlPlane(ref)) {
      throw ApiException.badRequest("not supported: " + CONTROL_PLANE_IS_NOT_AN_AGENT);
    }
    Node current = lookup.node(ref);
    boolean force = List.of("1", "true").contains(String.valueOf(ctx.queryParam("force")));
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    EngineReplies.answer(ctx, caller, backend.removeNode(current.id(), force, caller), EngineReplies.Refusal.byCode(),
        (c, n) -> EngineReplies.empty(c), EngineReplies::accepted);
  }

  private static long version(Context ctx) {
    String text = ctx.queryParam("version");
    try {
      return Long.parseLong(text == null ? "" : text.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid node version '" + (text == null ? "" : text)
          + "': send the Version.Index you read");
    }
  }
}
