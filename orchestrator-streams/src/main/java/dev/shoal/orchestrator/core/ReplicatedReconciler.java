package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Keeps a replicated service at exactly N slots, 1..N, each served by one task. */
public final class ReplicatedReconciler {
  private ReplicatedReconciler() {}

  /**
   * @param visit      the slots to reconcile ({@link Slots#all}: 1..N and every slot above N that holds
   *                   tasks); slots outside 1..N are retired
   * @param mayReplace which slots (by {@link #slotKey(int)}) may have an outdated task replaced now:
   *                   the rolling update's pace
   */
  public static ReconcilePlan reconcile(Service service, Slots visit, ClusterState state, Map<String, Node> nodes,
                                        SlotReconciler.RestartLookup restarts, long now, Predicate<String> mayReplace) {
    ReconcilePlan plan = new ReconcilePlan();
    int replicas = replicas(service);
    // Ascending either way, so the slots served (1..N) come before those retired, as in a whole pass.
    Iterable<Integer> slots = visit.all() ? wholePass(service, state, replicas) : visit.slots();
    for (int slot : slots) {
      plan.slotsVisited++;
      if (slot >= 1 && slot <= replicas) {
        SlotView view = SlotView.of(state.slotTasks(service.id(), slot));
        SlotReconciler.serve(service, view, restartKey(service, slot), slot, null, nodes, restarts, now,
            mayReplace.test(slotKey(slot)), plan);
      } else if (slot > replicas) {
        SlotReconciler.retire(SlotView.of(state.slotTasks(service.id(), slot)), "scaled down to " + replicas, plan);
      }
    }
    return plan;
  }

  /** 1..N, then the slots above N that hold tasks. */
  private static List<Integer> wholePass(Service service, ClusterState state, int replicas) {
    List<Integer> slots = new ArrayList<>();
    for (int slot = 1; slot <= replicas; slot++) {
      slots.add(slot);
    }
    slots.addAll(state.slotsOf(service.id()).tailSet(replicas, false));
    return slots;
  }

  /** The slots that should be served, by slot key in slot order. */
  public static TreeMap<String, SlotView> slots(Service service, ClusterState state) {
    TreeMap<String, SlotView> out = new TreeMap<>();
    for (int slot = 1; slot <= replicas(service); slot++) {
      out.put(slotKey(slot), SlotView.of(state.slotTasks(service.id(), slot)));
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
}
