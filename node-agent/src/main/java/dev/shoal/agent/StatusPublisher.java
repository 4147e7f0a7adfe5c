package dev.shoal.agent;

import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publishes task statuses so that observed state never moves backwards: a status earlier than
 * (or equal to) one already published for the task is dropped, except a RUNNING whose health
 * changed, and nothing follows a terminal state. Remembers each task's latest status so that one
 * Kafka could not store is sent again on the next {@link #retryFailed()}.
 */
final class StatusPublisher {
  private final StatusSink sink;
  private final Map<String, TaskStatus> latest = new HashMap<>();
  /** States known from elsewhere (the assignment): not ours to publish, but never to go below. */
  private final Map<String, TaskState> floors = new HashMap<>();
  private final Set<String> failed = new TreeSet<>();

  StatusPublisher(StatusSink sink) {
    this.sink = sink;
  }

  /** Returns whether the status was new and went out; it goes out within {@link StatusLimits}. */
  synchronized boolean publish(TaskStatus status) {
    TaskStatus s = StatusLimits.bound(status);
    TaskStatus prev = latest.get(s.taskId());
    TaskState known = TaskConverger.known(prev == null ? null : prev.state(), floors.get(s.taskId()));
    if (known != null) {
      boolean sameAsPublished = prev != null && prev.state() == s.state();
      boolean healthChange = sameAsPublished && !known.isTerminal() && !Objects.equals(prev.health(), s.health());
      if (!healthChange && !known.canTransitionTo(s.state())) {
        return false;
      }
    }
    latest.put(s.taskId(), s);
    send(s);
    return true;
  }

  private void send(TaskStatus s) {
    failed.remove(s.taskId());
    sink.send(s).whenComplete((ok, err) -> {
      if (err != null) {
        markFailed(s);
      }
    });
  }

  private synchronized void markFailed(TaskStatus s) {
    if (latest.get(s.taskId()) == s) {
      failed.add(s.taskId());
    }
  }

  /** Sends again the latest status of every task whose latest send failed. */
  synchronized void retryFailed() {
    if (failed.isEmpty()) {
      return;
    }
    for (String id : new TreeSet<>(failed)) {
      send(latest.get(id));
    }
  }

  synchronized void raiseFloor(String taskId, TaskState state) {
    floors.merge(taskId, state, TaskConverger::known);
  }

  /** The latest state published or known for the task, or null. */
  synchronized TaskState state(String taskId) {
    TaskStatus prev = latest.get(taskId);
    return TaskConverger.known(prev == null ? null : prev.state(), floors.get(taskId));
  }

  synchronized String health(String taskId) {
    TaskStatus prev = latest.get(taskId);
    return prev == null ? null : prev.health();
  }

  /**
   * What the agent remembers of each task it published or knows a floor for, or that is {@code busy},
   * read under one lock. A task's busy mark is read before its state: an operation publishes before it
   * clears its mark, so a task seen idle is seen with everything its operation published.
   */
  synchronized Map<String, TaskMemory> memory(Set<String> busy) {
    Map<String, TaskMemory> m = new HashMap<>(Runtimes.capacityFor(Math.max(latest.size(), floors.size()) + busy.size()));
    for (String id : latest.keySet()) {
      remember(m, id, busy);
    }
    for (String id : floors.keySet()) {
      if (!m.containsKey(id)) {
        remember(m, id, busy);
      }
    }
    for (String id : busy) {
      if (!m.containsKey(id)) {
        m.put(id, new TaskMemory(state(id), health(id), true));
      }
    }
    return m;
  }

  private void remember(Map<String, TaskMemory> m, String id, Set<String> busy) {
    boolean b = busy.contains(id);
    m.put(id, new TaskMemory(state(id), health(id), b));
  }

  synchronized Set<String> taskIds() {
    Set<String> ids = new HashSet<>(latest.keySet());
    ids.addAll(floors.keySet());
    return ids;
  }

  synchronized void forget(String taskId) {
    latest.remove(taskId);
    floors.remove(taskId);
    failed.remove(taskId);
  }
}
