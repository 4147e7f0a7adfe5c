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

  /**
   * The name when Swarm's is held by another cluster's container on a shared engine: task ids are
   * derived from the control log, so two clusters (or a cluster and the leftovers of an earlier one
   * with another data directory) repeat them. The node id's first 12 characters follow, as a short
   * container id does.
   */
  public static String onNode(Task task) {
    String node = task.nodeId() == null ? "" : task.nodeId();
    return of(task) + "." + node.substring(0, Math.min(12, node.length()));
  }
}
