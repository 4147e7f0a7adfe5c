package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Keeps the newest {@code limit} tasks of each slot; older ended ones are forgotten (Swarm's task
 * history). Only the slots reconciliation visited are looked at: a slot's history grows, or its old
 * tasks become forgettable, only in a message that touches the slot.
 */
final class HistoryTrim {
  private final int limit;

  HistoryTrim(int limit) {
    this.limit = limit;
  }

  /** @param visited the slots reconciled, by service name */
  void trim(SortedMap<String, Slots> visited, Decision d) {
    for (Map.Entry<String, Slots> e : visited.entrySet()) {
      d.state.service(e.getKey()).ifPresent(s -> trim(s, e.getValue(), d));
    }
  }

  private void trim(Service s, Slots slots, Decision d) {
    if (d.state.taskCountOf(s.id()) <= limit) {
      return; // no slot holds more than the limit
    }
    // What is removed does not depend on the order of the slots (the changes are sorted by id).
    // Copied first: trimming removes tasks from the indexes these come from.
    List<Integer> numbers = new ArrayList<>(slots.all() ? d.state.slotsOf(s.id()) : slots.slots());
    List<String> nodes = new ArrayList<>(slots.all() ? d.state.slotlessNodesOf(s.id()) : slots.nodes());
    for (int slot : numbers) {
      trim(d.state.tasksInSlot(s.id(), slot), d);
    }
    for (String node : nodes) {
      trim(d.state.slotlessTasksOn(s.id(), node), d);
    }
  }

  private void trim(List<Task> slot, Decision d) {
    if (slot.size() <= limit) {
      return;
    }
    List<Task> newestFirst = slot.stream().sorted(SlotView.NEWEST_FIRST).toList();
    for (Task old : newestFirst.subList(limit, newestFirst.size())) {
      boolean nodeGone = old.nodeId() == null || d.state.node(old.nodeId()).isEmpty();
      if (old.desiredState() != DesiredState.RUNNING && (old.state().isTerminal() || nodeGone)) {
        d.state.remove(old);
      }
    }
  }
}
