package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An agent's batch of observations: one signature check for the batch, then each status applied in
 * order as {@link TaskStatusHandler} applies one alone (a status about a task gone or on another node
 * ignored, the rest moving their tasks forward), and one reconciliation over everything they touched.
 *
 * <p>A batch is applied whole or not at all: when its signature fails, or any status in it would be
 * refused alone (a copy: not after the last status applied to its task), the batch is refused with
 * one {@code task-status.rejected} event naming the node and the status, and none of it is applied.
 * One signature covers every status, so such a batch is a copy or a forgery as a whole, not a
 * report with a bad line (Swarm's dispatcher likewise refuses a whole status update when one task in
 * it is not the node's to report).
 */
final class TaskStatusesHandler implements ControlHandler<ControlMessage.TaskStatusesReported> {
  private final NodeIdentityCheck identity;

  TaskStatusesHandler(NodeIdentityCheck identity) {
    this.identity = identity;
  }

  @Override
  public Scope handle(ControlMessage.TaskStatusesReported m, Decision d) {
    TaskStatusBatch b = m.batch();
    Optional<String> refused = identity.batch(b, d.state.node(b.nodeId()));
    List<TaskStatus> statuses = new ArrayList<>(b.size());
    for (int i = 0; i < b.size() && refused.isEmpty(); i++) {
      TaskStatus s = b.status(i);
      statuses.add(s);
      Optional<Task> task = ours(s, d);
      // Checked against the state before the batch: a later status of the same task in the batch
      // has a later sequence, so it passes here exactly when it would pass after the earlier one.
      refused = task.flatMap(t -> identity.inBatch(s, t)).map(r -> "status " + statuses.size() + " of "
          + b.size() + ": " + r);
    }
    if (refused.isPresent()) {
      d.events.add(NodeIdentityCheck.rejection("task-status.rejected", "node", b.nodeId(),
          "task status batch from node " + b.nodeId() + " refused whole: " + refused.get(), d.time));
      return Scope.NOTHING;
    }
    Scope scope = Scope.NOTHING;
    for (TaskStatus s : statuses) {
      Optional<Task> task = ours(s, d);
      if (task.isPresent()) {
        scope = scope.and(TaskStatusHandler.apply(s, task.get(), d));
      }
    }
    return scope;
  }

  /** The task {@code s} is about when its node is the one reporting; empty for a task gone or elsewhere. */
  private static Optional<Task> ours(TaskStatus s, Decision d) {
    return d.state.task(s.taskId()).filter(t -> t.nodeId() != null && t.nodeId().equals(s.nodeId()));
  }
}
