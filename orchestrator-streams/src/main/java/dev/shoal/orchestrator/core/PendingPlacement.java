package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Places tasks that wait for a node: always the ones this message created, and every waiting task
 * when capacity may have changed (a node came or changed, a task ended, a service shrank). A task
 * that fits nowhere is PENDING with the scheduler's reason.
 */
final class PendingPlacement {
  private static final Comparator<Task> ORDER = Comparator.comparingLong(Task::createdAt)
      .thenComparing(Task::slot, Comparator.nullsFirst(Integer::compare))
      .thenComparing(Task::id);

  private final Scheduler scheduler;

  PendingPlacement(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void place(boolean capacityChanged, Decision d) {
    List<Task> waiting = new ArrayList<>();
    if (capacityChanged) {
      waiting.addAll(d.state.pendingTasks());
    } else {
      for (String id : d.created) {
        d.state.task(id).filter(ClusterState::waitsForNode).ifPresent(waiting::add);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    waiting.sort(ORDER);
    Map<String, NodeInfo> infos = new TreeMap<>();
    for (Node n : d.state.nodes()) {
      List<Task> active = d.state.tasksOn(n.id()).stream()
          .filter(t -> ClusterState.isActive(t) && t.state().ordinal() >= TaskState.ASSIGNED.ordinal()).toList();
      infos.put(n.id(), new NodeInfo(n, active));
    }
    for (Task t : waiting) {
      List<NodeInfo> candidates = t.nodeId() != null
          ? Optional.ofNullable(infos.get(t.nodeId())).map(List::of).orElse(List.of())
          : List.copyOf(infos.values());
      Placement p = scheduler.place(t.spec(), t.serviceId(), candidates);
      if (p.node().isPresent()) {
        String nodeId = p.nodeId();
        Task placed = t.withNode(nodeId, TaskStatus.of(t.id(), nodeId, TaskState.ASSIGNED,
            "scheduler assigned task to node", d.time), d.time);
        d.state.put(placed);
        infos.get(nodeId).add(placed);
      } else if (t.state() != TaskState.PENDING || !p.reason().equals(t.status().message())) {
        d.state.put(t.withStatus(TaskStatus.of(t.id(), null, TaskState.PENDING, p.reason(), d.time), d.time));
        d.event("task.pending", "task", t.id(), "task " + t.name() + " pending: " + p.reason());
      }
    }
  }
}
