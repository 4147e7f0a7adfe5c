package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.LinkedHashMap;

/** Keeps the newest {@code limit} tasks of each slot; older ended ones are forgotten (Swarm's task history). */
final class HistoryTrim {
  private final int limit;

  HistoryTrim(int limit) {
    this.limit = limit;
  }

  void trim(Scope scope, Decision d) {
    if (scope.allServices()) {
      for (Service s : List.copyOf(d.state.services())) {
        trim(s, d);
      }
      return;
    }
    for (String name : scope.services()) {
      Optional<Service> s = d.state.service(name);
      s.ifPresent(x -> trim(x, d));
    }
  }

  private void trim(Service s, Decision d) {
    List<Task> tasks = d.state.tasksOf(s.id());
    if (tasks.size() <= limit) {
      return; // no slot holds more than the limit
    }
    // By slot, or by node for a global service's tasks. What is removed does not depend on the order
    // of the slots (the changes are sorted by id), so grouping in insertion order does as well as the
    // sorted string keys did, without making a key per task.
    Map<Object, List<Task>> bySlot = new LinkedHashMap<>();
    for (Task t : tasks) {
      bySlot.computeIfAbsent(t.slot() != null ? (Object) t.slot() : t.nodeId(), k -> new ArrayList<>()).add(t);
    }
    for (List<Task> slot : bySlot.values()) {
      if (slot.size() <= limit) {
        continue;
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
}
