package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.PlacementConstraint;
import dev.shoal.schemas.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The placement filters, cheapest first, as in Swarm's scheduler pipeline. */
public final class Filters {
  private Filters() {}

  /** The default chain: {@link #fixed()} then {@link #load()}. */
  public static List<NodeFilter> chain() {
    List<NodeFilter> all = new java.util.ArrayList<>(fixed());
    all.addAll(load());
    return all;
  }

  /** Filters whose answer for a spec and a node does not change as tasks are placed in one pass. */
  public static List<NodeFilter> fixed() {
    return List.of(Filters::ready, Filters::active, Filters::driver, Filters::constraints);
  }

  /** Filters that depend on what the node already holds: a placement can turn them from yes to no. */
  public static List<NodeFilter> load() {
    return List.of(Filters::resources, Filters::hostPorts, Filters::maxReplicas);
  }

  static Optional<String> ready(ServiceSpec spec, String serviceId, NodeInfo n) {
    return n.node().isReady() ? Optional.empty() : Optional.of("node " + n.node().status());
  }

  static Optional<String> active(ServiceSpec spec, String serviceId, NodeInfo n) {
    return Node.ACTIVE.equals(n.node().availability())
        ? Optional.empty() : Optional.of("node availability " + n.node().availability());
  }

  static Optional<String> driver(ServiceSpec spec, String serviceId, NodeInfo n) {
    NodeDescription d = n.node().description();
    return d != null && d.drivers() != null && d.drivers().contains(spec.driver())
        ? Optional.empty() : Optional.of("no " + spec.driver() + " driver");
  }

  static Optional<String> constraints(ServiceSpec spec, String serviceId, NodeInfo n) {
    if (spec.placement() == null || spec.placement().constraints() == null) {
      return Optional.empty();
    }
    for (String text : spec.placement().constraints()) {
      Optional<PlacementConstraint> c = PlacementConstraint.parse(text);
      if (c.isPresent() && !matches(c.get(), n.node())) {
        return Optional.of("scheduling constraints not satisfied");
      }
    }
    return Optional.empty();
  }

  static Optional<String> resources(ServiceSpec spec, String serviceId, NodeInfo n) {
    NodeResources want = NodeInfo.reservationOf(spec);
    NodeResources free = n.available();
    if (want.cpus() > 0 && want.cpus() > free.cpus() + 1e-9) {
      return Optional.of("insufficient cpu");
    }
    if (want.memoryBytes() > 0 && want.memoryBytes() > free.memoryBytes()) {
      return Optional.of("insufficient memory");
    }
    return Optional.empty();
  }

  static Optional<String> hostPorts(ServiceSpec spec, String serviceId, NodeInfo n) {
    for (ServiceSpec.PortConfig p : spec.ports()) {
      if (p.booksHostPort() && n.hostPortBooked(NodeInfo.portKey(p))) {
        return Optional.of("host-mode port already in use");
      }
    }
    return Optional.empty();
  }

  static Optional<String> maxReplicas(ServiceSpec spec, String serviceId, NodeInfo n) {
    Integer max = spec.placement() == null ? null : spec.placement().maxReplicasPerNode();
    return max != null && max > 0 && n.tasksOf(serviceId) >= max
        ? Optional.of("max replicas per node limit exceeded") : Optional.empty();
  }

  /** The value of a constraint or preference attribute on a node; null when the node has none. */
  public static String attribute(String attribute, Node node) {
    NodeDescription d = node.description();
    if (attribute.startsWith("node.labels.")) {
      return label(node.labels(), attribute.substring("node.labels.".length()));
    }
    if (attribute.startsWith("engine.labels.")) {
      return d == null ? null : label(d.engineLabels(), attribute.substring("engine.labels.".length()));
    }
    return switch (attribute) {
      case "node.id" -> node.id();
      case "node.hostname" -> node.hostname();
      case "node.role" -> node.role();
      case "node.platform.os" -> d == null ? null : d.os();
      case "node.platform.arch" -> d == null ? null : d.architecture();
      default -> null;
    };
  }

  static boolean matches(PlacementConstraint c, Node node) {
    String actual = attribute(c.attribute(), node);
    boolean equal = actual != null && actual.equalsIgnoreCase(c.value());
    return c.equals() == equal;
  }

  private static String label(Map<String, String> labels, String key) {
    return labels == null ? null : labels.get(key);
  }
}
