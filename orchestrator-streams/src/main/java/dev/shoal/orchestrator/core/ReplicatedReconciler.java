package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Keeps a replicated service at exactly N slots, 1..N, each served by one task. */
public final class ReplicatedReconciler {
  private ReplicatedReconciler() {}

  /**
   * @param mayReplace which slots (by {@link #slotKey(int)}) may have an outdated task replaced now:
   *                   the rolling update's pace
   */
  public static ReconcilePlan reconcile(Service service, List<Task> tasks, Map<String, Node> nodes,
                                        SlotReconciler.RestartLookup restarts, long now, Predicate<String> mayReplace) {
    ReconcilePlan plan = new ReconcilePlan();
    TreeMap<Integer, List<Task>> bySlot = bySlot(tasks);
    int replicas = replicas(service);
    for (int slot = 1; slot <= replicas; slot++) {
      SlotView view = SlotView.of(bySlot.getOrDefault(slot, List.of()));
      SlotReconciler.serve(service, view, restartKey(service, slot), slot, null, nodes, restarts, now,
          mayReplace.test(slotKey(slot)), plan);
    }
    for (Map.Entry<Integer, List<Task>> e : bySlot.tailMap(replicas, false).entrySet()) {
      SlotReconciler.retire(SlotView.of(e.getValue()), "scaled down to " + replicas, plan);
    }
    return plan;
  }

  /** The slots that should be served, by slot key in slot order. */
  public static TreeMap<String, SlotView> slots(Service service, List<Task> tasks) {
    TreeMap<Integer, List<Task>> bySlot = bySlot(tasks);
    TreeMap<String, SlotView> out = new TreeMap<>();
    for (int slot = 1; slot <= replicas(service); slot++) {
      out.put(slotKey(slot), SlotView.of(bySlot.getOrDefault(slot, List.of())));
    }
    return out;
  }

  /** Zero-padded so that keys sort in slot order. */
  public static String slotKey(int slot) {
    return PaddedNumbers.of(slot, 6);
  }

  public static String restartKey(Service service, int slot) {
    return service.id() + "/" + slot;
  }

  private static int replicas(Service service) {
    return service.spec().replicas() == null ? 0 : service.spec().replicas();
  }

  private static TreeMap<Integer, List<Task>> bySlot(List<Task> tasks) {
    TreeMap<Integer, List<Task>> bySlot = new TreeMap<>();
    for (Task t : tasks) {
      if (t.slot() != null) {
        bySlot.computeIfAbsent(t.slot(), s -> new ArrayList<>()).add(t);
      }
    }
    return bySlot;
  }
}
