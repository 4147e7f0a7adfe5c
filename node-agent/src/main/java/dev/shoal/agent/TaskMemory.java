package dev.shoal.agent;

import dev.shoal.schemas.TaskState;

/**
 * What the agent remembers of a task between convergence passes.
 *
 * @param reported the latest state published for the task (null if none)
 * @param reportedHealth the health in that report
 * @param busy a start, stop or remove of the task is under way; the task is left alone until it ends
 */
public record TaskMemory(TaskState reported, String reportedHealth, boolean busy) {
  public static final TaskMemory NONE = new TaskMemory(null, null, false);
}
