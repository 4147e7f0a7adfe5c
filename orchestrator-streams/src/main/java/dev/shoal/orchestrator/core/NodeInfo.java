package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node as the scheduler sees it during one placement pass: the node, what its active tasks have
 * reserved, how many tasks of each service it runs, and the host ports they booked. {@link #add}
 * books a task placed during the pass, so the next placement sees it.
 */
public final class NodeInfo {
  private final Node node;
  private NodeResources reserved = NodeResources.NONE;
  private final Map<String, Integer> tasksByService = new HashMap<>();
  private final Set<String> hostPorts = new HashSet<>();
  private int totalTasks;

  public NodeInfo(Node node, List<Task> activeTasks) {
    this.node = node;
    activeTasks.forEach(this::add);
  }

  /** The node with what {@code load} adds up to: as if made from its resource-holding tasks. */
  NodeInfo(Node node, NodeLoad load) {
    this.node = node;
    if (load != null) {
      reserved = load.reserved();
      tasksByService.putAll(load.tasksByService());
      hostPorts.addAll(load.hostPorts());
      totalTasks = load.totalTasks();
    }
  }

  public Node node() {
    return node;
  }

  public NodeResources available() {
    NodeResources total = node.description() == null || node.description().resources() == null
        ? NodeResources.NONE : node.description().resources();
    return total.minus(reserved);
  }

  public int tasksOf(String serviceId) {
    return tasksByService.getOrDefault(serviceId, 0);
  }

  public int totalTasks() {
    return totalTasks;
  }

  public boolean hostPortBooked(String portAndProtocol) {
    return hostPorts.contains(portAndProtocol);
  }

  public void add(Task t) {
    reserved = reserved.plus(reservationOf(t.spec()));
    tasksByService.merge(t.serviceId(), 1, Integer::sum);
    totalTasks++;
    for (ServiceSpec.PortConfig p : t.spec().ports()) {
      if (p.booksHostPort()) {
        hostPorts.add(portKey(p));
      }
    }
  }

  static String portKey(ServiceSpec.PortConfig p) {
    return p.published() + "/" + p.protocol();
  }

  static NodeResources reservationOf(ServiceSpec spec) {
    if (spec.resources() == null || spec.resources().reservations() == null) {
      return NodeResources.NONE;
    }
    ServiceSpec.ResourceAmount r = spec.resources().reservations();
    return new NodeResources(r.cpusOrZero(), r.memoryBytesOrZero());
  }
}
