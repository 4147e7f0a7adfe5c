package dev.shoal.agent;

import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.SpecSharing;
import dev.shoal.schemas.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The assignment sets of the nodes a reader follows, folded from {@code shoal.assignments}
 * records: a record under {@code <node>/<task>} adds or (tombstone) removes one task, one under
 * {@code <node>} carries the node's refusal. Not thread-safe: one reader thread owns it.
 */
final class NodeSets {
  /** The node's whole set, and the cluster's refusal of the node if it was refused. */
  record AssignedSet(List<Task> tasks, String refusal) {}

  private final Map<String, TreeMap<String, Task>> tasks = new HashMap<>();
  private final Map<String, String> refusals = new HashMap<>();
  /** A node's tasks of one service version share one spec object (hollow nodes: all of a reader's nodes). */
  private final SpecSharing specs = new SpecSharing();

  NodeSets(Iterable<String> nodeIds) {
    nodeIds.forEach(this::follow);
  }

  void follow(String nodeId) {
    tasks.putIfAbsent(nodeId, new TreeMap<>());
  }

  /** Folds one record in; returns the node it changed, or null when it is not a followed node's. */
  String apply(String key, Assignment value) {
    if (key == null) {
      return null;
    }
    String nodeId = Assignment.nodeOf(key);
    TreeMap<String, Task> set = tasks.get(nodeId);
    if (set == null) {
      return null;
    }
    if (key.equals(nodeId)) {
      if (value == null || value.refusal() == null) {
        refusals.remove(nodeId);
      } else {
        refusals.put(nodeId, value.refusal());
      }
    } else if (value == null || value.task() == null) {
      set.remove(key.substring(nodeId.length() + 1));
    } else {
      set.put(value.task().id(), specs.share(value.task()));
    }
    return nodeId;
  }

  AssignedSet current(String nodeId) {
    TreeMap<String, Task> set = tasks.get(nodeId);
    return new AssignedSet(set == null ? List.of() : List.copyOf(set.values()), refusals.get(nodeId));
  }
}
