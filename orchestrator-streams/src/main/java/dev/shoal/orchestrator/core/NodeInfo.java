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
 * A node as the scheduler sees it during one placement pass: the node, what the tasks holding
 * resources on it reserved and the host ports they booked (a task told to stop holds them until it
 * has ended), and how many tasks wanted running it has of each service. {@link #add}
 * books a task placed during the pass, so the next placement sees it.
 */
public final class NodeInfo {
  private final Node node;
  private NodeResources reserved = NodeResources.NONE;
  private final Map<String, Integer> tasksByService = new HashMap<>();
  private final Set<String> hostPorts = new HashSet<>();
  private int totalTasks;

  /** The node with {@code holdingTasks}: those that hold resources on it ({@link NodeLoad#holds}). */
  public NodeInfo(Node node, List<Task> holdingTasks) {
    this.node = node;
    for (Task t : holdingTasks) {
      book(t, NodeLoad.counts(t));
    }
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

  /** Whether {@code t} holds resources on its node, so belongs in a {@code NodeInfo} made from tasks. */
  public static boolean holdsResources(Task t) {
    return NodeLoad.holds(t);
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

  /** Books a task placed during the pass. */
  public void add(Task t) {
    book(t, true);
  }

  private void book(Task t, boolean counted) {
    reserved = reserved.plus(reservationOf(t.spec()));
    if (counted) {
      tasksByService.merge(t.serviceId(), 1, Integer::sum);
      totalTasks++;
    }
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
