package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.PlacementConstraint;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Keeps one task of a global service on every eligible node: ready, active, offering the driver
 * and matching the constraints. Resources are checked when the task is scheduled; a node without
 * room leaves its task pending with the reason.
 */
public final class GlobalReconciler {
  private GlobalReconciler() {}

  public static ReconcilePlan reconcile(Service service, List<Task> tasks, Map<String, Node> nodes,
                                        SlotReconciler.RestartLookup restarts, long now, Predicate<String> mayReplace) {
    ReconcilePlan plan = new ReconcilePlan();
    TreeMap<String, List<Task>> byNode = byNode(tasks);
    for (Node node : nodes.values()) {
      SlotView view = SlotView.of(byNode.getOrDefault(node.id(), List.of()));
      boolean pausedButServing = node.isReady() && Node.PAUSE.equals(node.availability())
          && view.holder(nodes).isPresent();
      if (pausedButServing) {
        continue; // pause places nothing new but keeps what runs
      }
      if (eligible(service, node)) {
        SlotReconciler.serve(service, view, service.id() + "/" + node.id(), null, node.id(), nodes, restarts, now,
            mayReplace.test(node.id()), plan);
      } else {
        SlotReconciler.retire(view, "node " + node.hostname() + " is not eligible", plan);
      }
    }
    for (Map.Entry<String, List<Task>> e : byNode.entrySet()) {
      if (!nodes.containsKey(e.getKey())) {
        SlotReconciler.retire(SlotView.of(e.getValue()), "node " + e.getKey() + " was removed", plan);
      }
    }
    return plan;
  }

  /** The nodes that should run a task, by node id, each with the tasks of the service on it. */
  public static TreeMap<String, SlotView> slots(Service service, List<Task> tasks, Map<String, Node> nodes) {
    TreeMap<String, List<Task>> byNode = byNode(tasks);
    TreeMap<String, SlotView> out = new TreeMap<>();
    for (Node node : nodes.values()) {
      if (eligible(service, node) || (node.isReady() && Node.PAUSE.equals(node.availability()))) {
        out.put(node.id(), SlotView.of(byNode.getOrDefault(node.id(), List.of())));
      }
    }
    return out;
  }

  private static TreeMap<String, List<Task>> byNode(List<Task> tasks) {
    TreeMap<String, List<Task>> byNode = new TreeMap<>();
    for (Task t : tasks) {
      if (t.nodeId() != null) {
        byNode.computeIfAbsent(t.nodeId(), n -> new ArrayList<>()).add(t);
      }
    }
    return byNode;
  }

  static boolean eligible(Service service, Node node) {
    if (!node.isReady() || !Node.ACTIVE.equals(node.availability())) {
      return false;
    }
    var d = node.description();
    if (d == null || d.drivers() == null || !d.drivers().contains(service.spec().driver())) {
      return false;
    }
    var placement = service.spec().placement();
    if (placement != null && placement.constraints() != null) {
      for (String c : placement.constraints()) {
        Optional<PlacementConstraint> pc = PlacementConstraint.parse(c);
        if (pc.isPresent() && !Filters.matches(pc.get(), node)) {
          return false;
        }
      }
    }
    return true;
  }
}
