package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Task;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which slots of one service a message may have changed: all of them, or some replicated slots (by
 * number) and some nodes (a global service's slots), in ascending order. A reconciler visits only
 * these: a task status or a node event then costs the slots it touched, not the whole service.
 */
public record Slots(boolean all, SortedSet<Integer> slots, SortedSet<String> nodes) {
  public static final Slots ALL = new Slots(true, Collections.emptySortedSet(), Collections.emptySortedSet());
  public static final Slots NONE = new Slots(false, Collections.emptySortedSet(), Collections.emptySortedSet());

  public Slots {
    slots = Collections.unmodifiableSortedSet(new TreeSet<>(slots));
    nodes = Collections.unmodifiableSortedSet(new TreeSet<>(nodes));
  }

  /** The slot a task belongs to: its number for a replicated service, its node for a global one. */
  static Slots of(Task t) {
    if (t.slot() != null) {
      return new Slots(false, new TreeSet<>(List.of(t.slot())), Collections.emptySortedSet());
    }
    return t.nodeId() == null ? NONE : new Slots(false, Collections.emptySortedSet(), new TreeSet<>(List.of(t.nodeId())));
  }

  Slots and(Slots other) {
    if (all || other.all) {
      return ALL;
    }
    TreeSet<Integer> s = new TreeSet<>(slots);
    s.addAll(other.slots);
    TreeSet<String> n = new TreeSet<>(nodes);
    n.addAll(other.nodes);
    return new Slots(false, s, n);
  }

  boolean isEmpty() {
    return !all && slots.isEmpty() && nodes.isEmpty();
  }
}
