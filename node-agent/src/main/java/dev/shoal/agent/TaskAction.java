package dev.shoal.agent;

import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;

/** One step of a convergence plan ({@link TaskConverger}); the agent carries it out. */
public sealed interface TaskAction {

  String taskId();

  /** Prepare and start the task, reporting ACCEPTED, PREPARING, STARTING and RUNNING (or REJECTED). */
  record Start(Task task) implements TaskAction {
    public String taskId() {
      return task.id();
    }
  }

  /** Stop the task: SIGTERM (or the runtime's equivalent), then a kill after {@code grace}. */
  record Stop(String taskId, Duration grace) implements TaskAction {}

  /** Forget the ended task in its runtime and free what it held. */
  record Remove(String taskId) implements TaskAction {}

  /** Publish an observation. */
  record Report(TaskStatus status) implements TaskAction {
    public String taskId() {
      return status.taskId();
    }
  }
}
