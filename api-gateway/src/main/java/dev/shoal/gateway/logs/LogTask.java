package dev.shoal.gateway.logs;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;

/**
 * A task whose output is asked for, with what a reader needs to find its lines (its id, which is
 * their key, and when it was created, before which it has none) and what a client shows beside them.
 *
 * @param name Swarm's task name, {@code web.1} (or {@code web.<node id>} for a global task)
 * @param createdAt epoch milliseconds (decision time, so broker time): its first line comes later
 */
public record LogTask(String taskId, String name, String serviceId, String serviceName, String nodeId,
                      String hostname, long createdAt) {

  static LogTask of(Task t, ClusterBackend backend) {
    String host = t.nodeId() == null ? null : backend.node(t.nodeId()).map(Node::hostname).orElse(t.nodeId());
    return new LogTask(t.id(), t.name(), t.serviceId(), t.serviceName(), t.nodeId(), host, t.createdAt());
  }

  /** How {@code docker service logs} names a task: {@code web.1.abcdef123456@node-1}. */
  String label() {
    String id = taskId.length() > 12 ? taskId.substring(0, 12) : taskId;
    return name + "." + id + "@" + (hostname == null ? "" : hostname);
  }
}
