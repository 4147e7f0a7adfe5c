package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Keeps a replicated service at exactly N slots, 1..N, each served by one task. */
public final class ReplicatedReconciler {
  private ReplicatedReconciler() {}

  public static ReconcilePlan reconcile(Service service, List<Task> tasks, Map<String, Node> nodes,
                                        SlotReconciler.RestartLookup restarts, long now) {
    ReconcilePlan plan = new ReconcilePlan();
    TreeMap<Integer, List<Task>> bySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (t.slot() != null) {
        bySlot.computeIfAbsent(t.slot(), s -> new ArrayList<>()).add(t);
      }
    }
    int replicas = service.spec().replicas() == null ? 0 : service.spec().replicas();
    for (int slot = 1; slot <= replicas; slot++) {
      SlotView view = SlotView.of(bySlot.getOrDefault(slot, List.of()));
      SlotReconciler.serve(service, view, slotKey(service, slot), slot, null, nodes, restarts, now, plan);
    }
    for (Map.Entry<Integer, List<Task>> e : bySlot.tailMap(replicas, false).entrySet()) {
      SlotReconciler.retire(SlotView.of(e.getValue()), "scaled down to " + replicas, plan);
    }
    return plan;
  }

  public static String slotKey(Service service, int slot) {
    return service.id() + "/" + slot;
  }
}
