package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent observed a task: move its observed state forward (never back), note health changes,
 * and forget a task of a removed service once it has ended. Reports from a node the task is not on
 * are ignored, and one its node did not sign, or a copy of one already applied, is refused
 * ({@link NodeIdentityCheck}): a node speaks only for its own tasks.
 */
final class TaskStatusHandler implements ControlHandler<ControlMessage.TaskStatusReported> {
  private final NodeIdentityCheck identity;

  TaskStatusHandler(NodeIdentityCheck identity) {
    this.identity = identity;
  }

  @Override
  public Scope handle(ControlMessage.TaskStatusReported m, Decision d) {
    TaskStatus s = m.status();
    Optional<Task> found = d.state.task(s.taskId());
    if (found.isEmpty()) {
      return Scope.NOTHING; // a late report about a task already forgotten
    }
    Task task = found.get();
    if (task.nodeId() == null || !task.nodeId().equals(s.nodeId())) {
      return Scope.NOTHING;
    }
    Optional<String> forged = identity.status(s, d.state.node(s.nodeId()), task);
    if (forged.isPresent()) {
      d.events.add(NodeIdentityCheck.rejection("task-status.rejected", "task", task.id(), forged.get(), d.time));
      return Scope.NOTHING;
    }
    return apply(s, task, d);
  }

  /**
   * Applies {@code s}, whose node has been checked to speak for {@code task}: alone, or as one status
   * of a batch ({@link TaskStatusesHandler}), the same way.
   */
  static Scope apply(TaskStatus s, Task task, Decision d) {
    boolean healthChanged = task.state() == s.state() && task.status() != null
        && !Objects.equals(task.status().health(), s.health());
    if (!task.state().canTransitionTo(s.state()) && !healthChanged) {
      return Scope.NOTHING;
    }
    if (task.desiredState() == DesiredState.REMOVE && s.state().isTerminal()) {
      d.state.remove(task); // its service is gone and now so is the task
      return Scope.capacity();
    }
    d.state.put(task.withStatus(s, d.time));
    if (healthChanged) {
      if ("unhealthy".equals(s.health())) {
        d.event("task.unhealthy", "task", task.id(), "task " + task.name() + " is unhealthy");
      }
      return updating(task, d) ? Scope.service(task.serviceName()) : Scope.NOTHING; // health gates an update's tasks
    }
    if (s.state() == TaskState.FAILED || s.state() == TaskState.REJECTED) {
      String state = s.state().name().toLowerCase(Locale.ROOT);
      d.event("task." + state, "task", task.id(), "task " + task.name() + " " + state + ": "
          + (s.error() != null ? s.error() : s.message()));
    }
    if (s.state().isTerminal()) {
      // Its slot only: a task that ends changes what its own slot needs (a restart, a replacement)
      // and its node's capacity, not the service's other 9,999 slots.
      return Scope.slotAndCapacity(task);
    }
    // A task that runs changes nothing to decide unless an update waits for it (its group, or an
    // old task that start-first keeps until its replacement runs): at scale, reconciling a
    // service of 10,000 replicas for each of their RUNNING reports would cost 10,000 x 10,000.
    return s.state() == TaskState.RUNNING && updating(task, d) ? Scope.service(task.serviceName()) : Scope.NOTHING;
  }

  private static boolean updating(Task task, Decision d) {
    return d.state.update(task.serviceId()).isPresent();
  }
}
