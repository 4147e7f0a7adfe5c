package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the tasks that hold resources on one node add up to — tasks placed (ASSIGNED or later) and
 * not ended; of those, the ones wanted running count as the node's tasks — kept by {@link ClusterState} as tasks change, so that a placement pass
 * reads each node's load instead of going over every task the node ever had (the history of ended
 * tasks included): that walk was the largest cost of a placement.
 *
 * <p>A {@link NodeInfo} made from it is the one made from the node's resource-holding tasks in id
 * order: counts and memory are integers, and the reserved cores are summed in task-id order over the
 * tasks that reserve any (adding 0.0 changes no sum), so the doubles are bit for bit the same.
 */
final class NodeLoad {
  private final TreeMap<String, Double> cpusByTask = new TreeMap<>();
  private final Map<String, Integer> tasksByService = new HashMap<>();
  private final Map<String, Integer> hostPorts = new HashMap<>();
  private long memoryBytes;
  private int totalTasks;
  private int holding;

  /**
   * Whether the task holds resources on its node: placed (ASSIGNED or later) and not ended, whatever
   * the orchestrator now wants of it. A task told to stop still holds its reservations and host ports
   * until its node reports it ended, as in Swarm's scheduler: a replacement must not be placed into
   * memory or a port the old task still uses.
   */
  static boolean holds(Task t) {
    return t.nodeId() != null && !t.state().isTerminal() && t.state().ordinal() >= TaskState.ASSIGNED.ordinal();
  }

  /** Whether a task that holds resources also counts as one of the node's tasks (spread, max per node). */
  static boolean counts(Task t) {
    return t.desiredState() == DesiredState.RUNNING;
  }

  void add(Task t) {
    change(t, 1);
  }

  void remove(Task t) {
    change(t, -1);
  }

  boolean isEmpty() {
    return holding == 0;
  }

  private void change(Task t, int by) {
    NodeResources r = NodeInfo.reservationOf(t.spec());
    if (r.cpus() != 0) {
      if (by > 0) {
        cpusByTask.put(t.id(), r.cpus());
      } else {
        cpusByTask.remove(t.id());
      }
    }
    memoryBytes += by * r.memoryBytes();
    holding += by;
    if (counts(t)) {
      totalTasks += by;
      count(tasksByService, t.serviceId(), by);
    }
    for (ServiceSpec.PortConfig p : t.spec().ports()) {
      if (p.booksHostPort()) {
        count(hostPorts, NodeInfo.portKey(p), by);
      }
    }
  }

  private static void count(Map<String, Integer> counts, String key, int by) {
    counts.merge(key, by, (a, b) -> a + b == 0 ? null : a + b);
  }

  /** Cores reserved, summed in task-id order as a pass over the tasks would. */
  NodeResources reserved() {
    double cpus = 0;
    for (double c : cpusByTask.values()) {
      cpus += c;
    }
    return new NodeResources(cpus, memoryBytes);
  }

  Map<String, Integer> tasksByService() {
    return tasksByService;
  }

  java.util.Set<String> hostPorts() {
    return hostPorts.keySet();
  }

  int totalTasks() {
    return totalTasks;
  }
}
