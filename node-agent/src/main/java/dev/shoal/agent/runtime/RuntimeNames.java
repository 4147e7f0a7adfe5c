package dev.shoal.agent.runtime;

import dev.shoal.schemas.Task;

/** Names runtimes give to what they run for a task. */
public final class RuntimeNames {
  private RuntimeNames() {}

  /**
   * Swarm's container name: {@code <service>.<slot>.<task id>} for a replicated task,
   * {@code <service>.<node id>.<task id>} for a global one.
   */
  public static String of(Task task) {
    return task.name() + "." + task.id();
  }
}
