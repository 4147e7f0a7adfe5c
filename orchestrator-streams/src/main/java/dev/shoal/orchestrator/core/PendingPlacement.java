package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
      infos.put(n.id(), d.state.nodeInfo(n));
    }
    List<NodeInfo> all = List.copyOf(infos.values());
    int i = 0;
    while (i < waiting.size()) {
      Task first = waiting.get(i);
      if (first.nodeId() != null) {
        // A global task: its node is chosen already; only whether it fits there is asked.
        NodeInfo only = infos.get(first.nodeId());
        apply(first, scheduler.place(first.spec(), first.serviceId(), only == null ? List.of() : List.of(only)), infos, d);
        i++;
        continue;
      }
      int end = i + 1;
      while (end < waiting.size() && sameRun(first, waiting.get(end))) {
        end++;
      }
      List<Task> run = waiting.subList(i, end);
      List<Placement> placements = scheduler.placeAll(first.spec(), first.serviceId(), run.size(), all,
          (node, k) -> node.add(placed(run.get(k), node.node().id(), d)));
      for (int k = 0; k < run.size(); k++) {
        if (placements.get(k).node().isEmpty()) {
          pending(run.get(k), placements.get(k).reason(), d);
        }
      }
      i = end;
    }
  }

  /** Tasks of one service version, not bound to a node, are placed as one run. */
  private static boolean sameRun(Task a, Task b) {
    return b.nodeId() == null && a.serviceId().equals(b.serviceId()) && a.specVersion() == b.specVersion();
  }

  private static void apply(Task t, Placement p, Map<String, NodeInfo> infos, Decision d) {
    if (p.node().isPresent()) {
      infos.get(p.nodeId()).add(placed(t, p.nodeId(), d));
    } else {
      pending(t, p.reason(), d);
    }
  }

  /** Books the task on the node in the state; returns it as placed. */
  private static Task placed(Task t, String nodeId, Decision d) {
    Task placed = t.withNode(nodeId, TaskStatus.of(t.id(), nodeId, TaskState.ASSIGNED, "scheduler assigned task to node",
        d.time), d.time);
    d.state.put(placed);
    return placed;
  }

  private static void pending(Task t, String reason, Decision d) {
    if (t.state() != TaskState.PENDING || !reason.equals(t.status().message())) {
      d.state.put(t.withStatus(TaskStatus.of(t.id(), null, TaskState.PENDING, reason, d.time), d.time));
      d.event("task.pending", "task", t.id(), "task " + t.name() + " pending: " + reason);
    }
  }
}
