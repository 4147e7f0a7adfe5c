package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Labels;
import dev.shoal.schemas.Node;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /v1/nodes}: list and inspect nodes, and change a node's availability, role or labels.
 * A PATCH may carry {@code ?version=N} to be refused when the node has changed since it was read.
 */
public final class NodeRoutes implements RouteTable {
  private static final List<String> AVAILABILITIES = List.of(Node.ACTIVE, Node.PAUSE, Node.DRAIN);
  private static final List<String> ROLES = List.of(Node.ROLE_WORKER, Node.ROLE_MANAGER);

  private final ClusterBackend backend;

  public NodeRoutes(ClusterBackend backend) {
    this.backend = backend;
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/nodes", this::list);
    routes.get("/v1/nodes/{id}", this::inspect);
    routes.patch("/v1/nodes/{id}", this::update);
    routes.delete("/v1/nodes/{id}", this::remove);
  }

  private void list(Context ctx) {
    ctx.json(backend.nodes().stream()
        .sorted(Comparator.comparing(Node::hostname, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Node::id))
        .toList());
  }

  private void inspect(Context ctx) {
    ctx.json(find(ctx.pathParam("id")));
  }

  private void update(Context ctx) throws Exception {
    Long version = Requests.longParam(ctx, "version", "version must be a number: the node version you read");
    ObjectNode body = Requests.object(ctx, Set.of("availability", "role", "labels"));
    String availability = oneOf(body, "availability", AVAILABILITIES);
    String role = oneOf(body, "role", ROLES);
    Map<String, String> labels = labels(body.get("labels"));
    if (availability == null && role == null && labels == null) {
      throw ApiException.badRequest("nothing to change: give availability, role or labels");
    }
    Node current = find(ctx.pathParam("id"));
    if (version != null && version != current.version()) {
      throw ApiException.conflict("version " + version + " is stale: the node is at version " + current.version());
    }
    Caller caller = Requests.caller(ctx);
    Command.UpdateNode command = new Command.UpdateNode(current.id(), availability, role, labels, version);
    Replies.reply(ctx, caller, backend.updateNode(command, caller), 200, n -> n, "update of node " + current.hostname());
  }

  private void remove(Context ctx) {
    Node current = find(ctx.pathParam("id"));
    boolean force = "true".equals(ctx.queryParam("force")) || "1".equals(ctx.queryParam("force"));
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.removeNode(current.id(), force, caller), 204, n -> null,
        "removal of node " + current.hostname());
  }

  private Node find(String idOrHostname) {
    return backend.node(idOrHostname).orElseThrow(() -> ApiException.notFound("node " + idOrHostname + " not found"));
  }

  private static String oneOf(ObjectNode body, String field, List<String> allowed) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || !allowed.contains(v.asText())) {
      throw ApiException.badRequest(field + " must be one of " + String.join(", ", allowed) + "; got " + v);
    }
    return v.asText();
  }

  private static Map<String, String> labels(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw ApiException.badRequest("labels must be an object of strings, as in {\"zone\": \"a\"}");
    }
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw ApiException.badRequest("label " + e.getKey() + " must be a string; got " + e.getValue());
      }
      labels.put(e.getKey(), e.getValue().asText());
    }
    List<String> problems = Labels.problems(labels);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(String.join("; ", problems));
    }
    return labels;
  }
}
