package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the current spec's way of writing a value when an update through the engine API means the
 * same value. The engine speaks nanoseconds and bytes, so a spec created over {@code /v1} with
 * {@code "1m"} comes back from {@code docker service scale} as {@code "60s"}; the orchestrator
 * compares specs as written, and would take the different spelling for a change of the task
 * template and replace every task. Aligned, a scale stays a scale.
 *
 * <p>Aligned: durations, memory sizes and CPU counts that are equal in value; fields the engine
 * cannot express as absent versus empty (an empty placement, a zero retry count); the split of
 * the argv between {@code command} and {@code args}; and a port's {@code appProtocol}, which the
 * engine has no field for.
 */
final class SpecAlignment {
  private static final Set<String> DURATIONS = Set.of("delay", "window", "monitor", "interval", "timeout",
      "startPeriod", "stopGracePeriod");

  private SpecAlignment() {}

  /** Rewrites {@code next} (Shoal's spec JSON from the engine request) in place. */
  static void alignTo(ObjectNode next, ServiceSpec current) {
    ObjectNode cur = Json.MAPPER.valueToTree(current);
    alignObject(next, cur);
    alignArgv(next, current);
    alignAppProtocols(next, current);
  }

  /**
   * The engine's port has no {@code appProtocol}: a port the engine sends back unchanged keeps the
   * one it has, so {@code docker service update} does not turn an HTTP ingress port into raw TCP.
   */
  private static void alignAppProtocols(ObjectNode next, ServiceSpec current) {
    JsonNode ports = next.get("ports");
    if (ports == null || !ports.isArray() || current.ports() == null) {
      return;
    }
    for (JsonNode p : ports) {
      if (!p.isObject() || p.hasNonNull("appProtocol")) {
        continue;
      }
      for (ServiceSpec.PortConfig c : current.ports()) {
        if (c.appProtocol() != null && samePort(p, c)) {
          ((ObjectNode) p).put("appProtocol", c.appProtocol());
          break;
        }
      }
    }
  }

  private static boolean samePort(JsonNode p, ServiceSpec.PortConfig c) {
    return p.path("target").asInt(-1) == (c.target() == null ? -2 : c.target())
        && p.path("published").asInt(-1) == (c.published() == null ? -1 : c.published())
        && p.path("protocol").asText("tcp").equals(c.protocol() == null ? "tcp" : c.protocol())
        && p.path("mode").asText("ingress").equals(c.mode() == null ? "ingress" : c.mode());
  }

  private static void alignObject(ObjectNode next, ObjectNode cur) {
    for (Map.Entry<String, JsonNode> e : cur.properties()) {
      String field = e.getKey();
      JsonNode c = e.getValue();
      JsonNode n = next.get(field);
      if ((n == null || n.isNull()) && isEmptyValue(field, c)) {
        next.set(field, c.deepCopy());
      } else if (n != null && n.isObject() && c.isObject()) {
        alignObject((ObjectNode) n, (ObjectNode) c);
      } else if (n != null && sameValue(field, n, c)) {
        next.set(field, c.deepCopy());
      }
    }
  }

  private static boolean sameValue(String field, JsonNode n, JsonNode c) {
    try {
      if (DURATIONS.contains(field) && n.isTextual() && c.isTextual()) {
        return EngineDurations.nanos(n.asText()) == EngineDurations.nanos(c.asText());
      }
      if (field.equals("memory") && n.isTextual() && c.isTextual()) {
        return Sizes.parseBytes(n.asText()) == Sizes.parseBytes(c.asText());
      }
      if (field.equals("cpus") && n.isNumber() && c.isNumber()) {
        return Math.round(n.asDouble() * 1e9) == Math.round(c.asDouble() * 1e9);
      }
    } catch (IllegalArgumentException e) {
      return false; // not a value either way: leave it for the validator to name
    }
    return false;
  }

  /** A value the engine writes as absent: empty, zero, false, or a zero duration. */
  private static boolean isEmptyValue(String field, JsonNode c) {
    if (SpecFields.isZero(c)) {
      return true;
    }
    if (DURATIONS.contains(field) && c.isTextual()) {
      try {
        return EngineDurations.nanos(c.asText()) == 0;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return false;
  }

  private static void alignArgv(ObjectNode next, ServiceSpec current) {
    List<String> curArgv = new ArrayList<>();
    if (current.command() != null) {
      curArgv.addAll(current.command());
    }
    if (current.args() != null) {
      curArgv.addAll(current.args());
    }
    String field = next.has("image") ? "args" : "command";
    JsonNode n = next.get(field);
    List<String> nextArgv = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(x -> nextArgv.add(x.asText()));
    }
    if (nextArgv.isEmpty() || !nextArgv.equals(curArgv)) {
      return;
    }
    next.remove("command");
    next.remove("args");
    if (current.command() != null && !current.command().isEmpty()) {
      next.set("command", array(current.command()));
    }
    if (current.args() != null && !current.args().isEmpty()) {
      next.set("args", array(current.args()));
    }
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = DockerJson.array();
    values.forEach(a::add);
    return a;
  }
}
