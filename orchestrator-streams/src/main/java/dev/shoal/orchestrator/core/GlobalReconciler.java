package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.PlacementConstraint;
import dev.shoal.schemas.Service;
import java.util.Collection;
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

  /**
   * @param visit the nodes to reconcile ({@link Slots#nodes}), or {@link Slots#all}: every node, then
   *              the removed nodes that still hold tasks of the service
   */
  public static ReconcilePlan reconcile(Service service, Slots visit, ClusterState state, Map<String, Node> nodes,
                                        SlotReconciler.RestartLookup restarts, long now, Predicate<String> mayReplace) {
    ReconcilePlan plan = new ReconcilePlan();
    Collection<String> visited = visit.all() ? nodes.keySet() : visit.nodes();
    // Present nodes first, then removed ones, each in id order: the order of a whole pass.
    for (String id : visited) {
      Node node = nodes.get(id);
      if (node == null) {
        continue;
      }
      plan.slotsVisited++;
      SlotView view = SlotView.of(state.slotlessTasks(service.id(), id));
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
    for (String id : visit.all() ? state.slotlessNodesOf(service.id()) : visit.nodes()) {
      if (!nodes.containsKey(id)) {
        plan.slotsVisited++;
        SlotReconciler.retire(SlotView.of(state.slotlessTasks(service.id(), id)), "node " + id + " was removed", plan);
      }
    }
    return plan;
  }

  /** The nodes that should run a task, by node id, each with the tasks of the service on it. */
  public static TreeMap<String, SlotView> slots(Service service, ClusterState state, Map<String, Node> nodes) {
    TreeMap<String, SlotView> out = new TreeMap<>();
    for (Node node : nodes.values()) {
      if (eligible(service, node) || (node.isReady() && Node.PAUSE.equals(node.availability()))) {
        out.put(node.id(), SlotView.of(state.slotlessTasks(service.id(), node.id())));
      }
    }
    return out;
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
