package dev.shoal.orchestrator.core;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a handled message may have changed for reconciliation: the services to reconcile (by name),
 * or all of them (a node came, went or changed), and whether capacity may have changed so that
 * tasks waiting for a node should be tried again. Tasks created by this message are always tried.
 */
public record Scope(Set<String> services, boolean allServices, boolean capacityChanged) {
  public static final Scope NOTHING = new Scope(Set.of(), false, false);
  public static final Scope EVERYTHING = new Scope(Set.of(), true, true);

  public static Scope service(String name) {
    return new Scope(Set.of(name), false, false);
  }

  /** A service whose change may also have freed capacity (a task ended, a service shrank). */
  public static Scope serviceAndCapacity(String name) {
    return new Scope(Set.of(name), false, true);
  }

  public static Scope capacity() {
    return new Scope(Set.of(), false, true);
  }

  /**
   * What a change of one node (up, down, drained, removed) may affect: the services with tasks on
   * it (to move them), every global service (one task per eligible node), and waiting tasks (the
   * node may take them now). Not every replicated service: at scale, that is the difference between
   * touching a node's tasks and touching the whole cluster for every node event.
   */
  static Scope node(String nodeId, ClusterState state) {
    TreeSet<String> names = new TreeSet<>();
    for (dev.shoal.schemas.Task t : state.tasksOn(nodeId)) {
      names.add(t.serviceName());
    }
    for (dev.shoal.schemas.Service s : state.services()) {
      if (s.spec().isGlobal()) {
        names.add(s.name());
      }
    }
    return new Scope(names, false, true);
  }

  public Scope and(Scope other) {
    TreeSet<String> s = new TreeSet<>(services);
    s.addAll(other.services);
    return new Scope(s, allServices || other.allServices, capacityChanged || other.capacityChanged);
  }
}
