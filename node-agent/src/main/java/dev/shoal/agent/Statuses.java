package dev.shoal.agent;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;

/** Builds the task statuses an agent publishes, with Swarm-like messages. */
final class Statuses {
  private Statuses() {}

  static TaskStatus of(String nodeId, String taskId, TaskState state, String message, long now) {
    return TaskStatus.of(taskId, nodeId, state, message, now);
  }

  static TaskStatus failed(String nodeId, String taskId, TaskState state, String reason, long now) {
    return new TaskStatus(taskId, nodeId, state, reason, reason, null, null, null, null, null, now);
  }

  /** A status of a task the runtime holds: carries its endpoint, ports, health and handle. */
  static TaskStatus of(String nodeId, RuntimeTask r, TaskState state, String message, String error,
                       Integer exitCode, long now) {
    return new TaskStatus(r.taskId(), nodeId, state, message, error, exitCode, r.endpoint(),
        r.ports().isEmpty() ? null : r.ports(), r.health(), r.containerId(), now);
  }

  static TaskStatus running(String nodeId, RuntimeTask r, long now) {
    return of(nodeId, r, TaskState.RUNNING, "started", null, null, now);
  }

  /** How an ended task reads: stopped on request, finished, or failed (with the exit code if known). */
  static TaskStatus ended(String nodeId, RuntimeTask r, long now) {
    Integer code = r.exitCode();
    if (r.stopRequested()) {
      return of(nodeId, r, TaskState.SHUTDOWN, "shutdown", null, code, now);
    }
    if (code == null) {
      String reason = r.exitMessage() != null ? r.exitMessage() : "task ended; exit code unknown";
      return of(nodeId, r, TaskState.FAILED, reason, reason, null, now);
    }
    if (code == 0) {
      return of(nodeId, r, TaskState.COMPLETE, "finished", null, 0, now);
    }
    String reason = "task exited with code " + code;
    return of(nodeId, r, TaskState.FAILED, reason, reason, code, now);
  }
}
