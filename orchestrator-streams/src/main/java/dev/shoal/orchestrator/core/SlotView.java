package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks of one slot (or of one node, for a global service), newest first, with the rules both
 * reconcilers share: which task holds the slot, and which must make way.
 */
public record SlotView(List<Task> tasks) {
  static final Comparator<Task> NEWEST_FIRST =
      Comparator.comparingLong(Task::createdAt).reversed()
          .thenComparing((Task t) -> Ids.creationOrder(t.id()), Comparator.reverseOrder());

  static SlotView of(java.util.Collection<Task> tasks) {
    Task[] sorted = tasks.toArray(new Task[0]);
    java.util.Arrays.sort(sorted, NEWEST_FIRST); // stable, as the stream's sort was
    return new SlotView(List.of(sorted));
  }

  /** Wanted running, not ended, and on a node that can still run it (or not placed yet). */
  static boolean holdsSlot(Task t, Map<String, Node> nodes) {
    return ClusterState.isActive(t) && reasonToMove(t, nodes).isEmpty();
  }

  /** Why an active task must leave its node: the node is down, gone or draining. */
  static Optional<String> reasonToMove(Task t, Map<String, Node> nodes) {
    if (t.nodeId() == null || t.state().ordinal() < dev.shoal.schemas.TaskState.ASSIGNED.ordinal()) {
      return Optional.empty();
    }
    Node n = nodes.get(t.nodeId());
    if (n == null) {
      return Optional.of("node " + t.nodeId() + " was removed");
    }
    if (!n.isReady()) {
      return Optional.of("node " + n.hostname() + " is " + n.status());
    }
    if (Node.DRAIN.equals(n.availability())) {
      return Optional.of("node " + n.hostname() + " is draining");
    }
    return Optional.empty();
  }

  Optional<Task> holder(Map<String, Node> nodes) {
    for (Task t : tasks) {
      if (holdsSlot(t, nodes)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The newest task, if it ended by itself while wanted running: the restart policy's business. */
  Optional<Task> deadLatest() {
    return tasks.isEmpty() ? Optional.empty() : Optional.of(tasks.get(0))
        .filter(t -> t.desiredState() == DesiredState.RUNNING && t.state().isTerminal());
  }

  static boolean outdated(Task t, ServiceSpec current) {
    // A task made from the service's current spec shares the very object: no template to build.
    return t.spec() != current && !t.spec().taskTemplate().equals(current.taskTemplate());
  }
}
