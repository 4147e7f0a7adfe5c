package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a handled message may have changed for reconciliation: the services to reconcile (by name),
 * each wholly or only in some of its slots ({@link Slots}); whether every other service is to be
 * looked at too, for the work that came due in it (an update's next step, a restart delay run out);
 * and whether capacity may have changed so that tasks waiting for a node should be tried again.
 * Tasks created by this message are always tried.
 *
 * <p>A slot that no message touched has nothing to decide: what a slot's reconciliation reads is
 * its tasks, their nodes, its restart record and the service's spec, and each of those changes only
 * in a message whose scope names the slot (or the whole service). The exceptions are kept by
 * {@link ServiceReconciliation}: a service being updated is paced as a whole, and a slot whose
 * restart delay may have run out is visited with any other slot of its service, as a whole pass did.
 */
public record Scope(SortedMap<String, Slots> services, boolean allServices, boolean capacityChanged) {
  public static final Scope NOTHING = new Scope(Collections.emptySortedMap(), false, false);

  public Scope {
    services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
  }

  /** The whole of one service. */
  public static Scope service(String name) {
    return new Scope(new TreeMap<>(Map.of(name, Slots.ALL)), false, false);
  }

  /** The whole of a service whose change may also have freed capacity (a service shrank, changed). */
  public static Scope serviceAndCapacity(String name) {
    return new Scope(new TreeMap<>(Map.of(name, Slots.ALL)), false, true);
  }

  /** The slot of one task that ended, which may also have freed capacity on its node. */
  static Scope slotAndCapacity(Task t) {
    return new Scope(new TreeMap<>(Map.of(t.serviceName(), Slots.of(t))), false, true);
  }

  public static Scope capacity() {
    return new Scope(Collections.emptySortedMap(), false, true);
  }

  /**
   * What a change of one node (up, down, drained, paused, relabelled, removed) may affect: the
   * slots of the tasks on it (to move them), the node's slot of every global service (one task per
   * eligible node), and waiting tasks (the node may take them now). Not the other slots: a node event
   * at 1,000 nodes × 100 tasks then touches the node's 100 tasks, not the cluster's 100,000. A
   * replicated task's constraints are checked when it is placed, not after, so a node's labels
   * matter to placement (capacity) and to global services only.
   */
  static Scope node(String nodeId, ClusterState state) {
    TreeMap<String, Slots> touched = new TreeMap<>();
    TreeMap<String, TreeSet<Integer>> slots = new TreeMap<>();
    TreeMap<String, TreeSet<String>> nodes = new TreeMap<>();
    for (Task t : state.tasksOn(nodeId)) {
      if (t.slot() != null) {
        slots.computeIfAbsent(t.serviceName(), k -> new TreeSet<>()).add(t.slot());
      } else {
        nodes.computeIfAbsent(t.serviceName(), k -> new TreeSet<>()).add(nodeId);
      }
    }
    for (Service s : state.services()) {
      if (s.spec().isGlobal()) {
        nodes.computeIfAbsent(s.name(), k -> new TreeSet<>()).add(nodeId);
      }
    }
    TreeSet<String> names = new TreeSet<>(slots.keySet());
    names.addAll(nodes.keySet());
    for (String name : names) {
      touched.put(name, new Slots(false, slots.getOrDefault(name, new TreeSet<>()),
          nodes.getOrDefault(name, new TreeSet<>())));
    }
    return new Scope(touched, false, true);
  }

  /**
   * This scope, and every other service for its due work: what a message did before scopes named
   * slots, when it reconciled every service; kept where a message did that, so that it decides
   * the same (an update under way steps, a restart whose delay ran out is made).
   */
  Scope andDueWork() {
    return new Scope(services, true, capacityChanged);
  }

  public Scope and(Scope other) {
    TreeMap<String, Slots> s = new TreeMap<>(services);
    other.services.forEach((name, slots) -> s.merge(name, slots, Slots::and));
    return new Scope(s, allServices || other.allServices, capacityChanged || other.capacityChanged);
  }
}
