package dev.shoal.orchestrator.core;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.UpdateStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * Brings the services a message may have affected to their desired state: paces an update under
 * way ({@link UpdateStrategy}), then asks the replicated or global reconciler what to create and
 * shut down, and applies that to the state.
 */
final class ServiceReconciliation {
  private final UpdateStrategy updates;

  ServiceReconciliation(UpdateStrategy updates) {
    this.updates = updates;
  }

  void reconcile(Scope scope, Decision d) {
    List<Service> services = new ArrayList<>();
    if (scope.allServices()) {
      services.addAll(d.state.services());
    } else {
      for (String name : scope.services()) {
        d.state.service(name).ifPresent(services::add);
      }
    }
    // Reconciling changes tasks and services, never nodes: one view of the nodes serves every service.
    SortedMap<String, Node> nodes = Collections.unmodifiableSortedMap(d.state.nodeMap());
    for (Service s : services) {
      reconcile(s, nodes, d);
    }
  }

  private void reconcile(Service s, Map<String, Node> nodes, Decision d) {
    List<Task> tasks = d.state.tasksOf(s.id());
    Set<String> pace = paceUpdate(s, tasks, nodes, d);
    s = d.state.service(s.name()).orElse(s);
    boolean paused = s.updateStatus() != null && (UpdateStatus.PAUSED.equals(s.updateStatus().state())
        || UpdateStatus.ROLLBACK_PAUSED.equals(s.updateStatus().state()));
    Predicate<String> mayReplace = pace != null ? pace::contains : key -> !paused;
    SlotReconciler.RestartLookup restarts = key -> d.state.restart(key).orElse(null);
    ReconcilePlan plan = s.spec().isGlobal()
        ? GlobalReconciler.reconcile(s, tasks, nodes, restarts, d.time, mayReplace)
        : ReplicatedReconciler.reconcile(s, tasks, nodes, restarts, d.time, mayReplace);
    Map<String, String> shutdowns = new LinkedHashMap<>();
    plan.shutdowns.forEach(sd -> shutdowns.putIfAbsent(sd.taskId(), sd.reason()));
    shutdowns.forEach((id, reason) -> d.state.task(id).ifPresent(t -> {
      if (t.desiredState() == DesiredState.RUNNING) {
        d.state.put(t.withDesiredState(DesiredState.SHUTDOWN, d.time));
        d.event("task.shutdown", "task", t.id(), "task " + t.name() + " shut down: " + reason);
      }
    }));
    for (ReconcilePlan.RestartDecision r : plan.restarts) {
      d.state.put(r.key(), r.record());
      if (r.record().gaveUp()) {
        d.event("task.not-restarted", "task", r.record().decidedFor(), r.record().reason());
      }
    }
    for (ReconcilePlan.Create c : plan.creates) {
      String id = Ids.task(s.id(), d.position, d.created.size());
      Task t = new Task(id, s.id(), s.name(), c.slot(), c.nodeId(), s.version(), s.spec(), DesiredState.RUNNING,
          TaskStatus.of(id, null, TaskState.NEW, "created", d.time), d.time, d.time);
      d.state.put(t);
      d.created.add(id);
    }
    d.timers.addAll(plan.timers);
  }

  /** Runs the update strategy for a service that is updating; returns the slots that may be replaced now. */
  private Set<String> paceUpdate(Service s, List<Task> tasks, Map<String, Node> nodes, Decision d) {
    Optional<UpdateProgress> progress = d.state.update(s.id());
    UpdateStatus status = s.updateStatus();
    boolean active = status != null && (UpdateStatus.UPDATING.equals(status.state())
        || UpdateStatus.ROLLBACK_STARTED.equals(status.state()));
    if (progress.isEmpty() || !active) {
      return null; // no update under way: nothing is outdated, or it is paused
    }
    Map<String, SlotView> slots = s.spec().isGlobal()
        ? GlobalReconciler.slots(s, tasks, nodes) : ReplicatedReconciler.slots(s, tasks);
    UpdateStrategy.Step step = updates.step(s, slots, progress.get(), nodes, d.time);
    boolean rollback = progress.get().rollback();
    switch (step.action()) {
      case WAIT, PROCEED -> d.state.put(s.id(), step.progress());
      case COMPLETE -> {
        d.state.removeUpdate(s.id());
        d.state.put(s.withUpdateStatus(new UpdateStatus(rollback ? UpdateStatus.ROLLBACK_COMPLETED
            : UpdateStatus.COMPLETED, step.message(), status.startedAt(), d.time), d.time));
        d.event(rollback ? "service.rollback-completed" : "service.update-completed", "service", s.name(),
            "service " + s.name() + ": " + step.message());
      }
      case PAUSE -> {
        d.state.put(s.id(), step.progress());
        d.state.put(s.withUpdateStatus(new UpdateStatus(rollback ? UpdateStatus.ROLLBACK_PAUSED : UpdateStatus.PAUSED,
            step.message(), status.startedAt(), null), d.time));
        d.event(rollback ? "service.rollback-paused" : "service.update-paused", "service", s.name(),
            "service " + s.name() + ": " + step.message());
      }
      case ROLLBACK -> {
        Service back = Updates.start(s.withSpec(s.previousSpec(), d.state.nextVersion(), d.time), true, d);
        d.state.put(back);
        d.event("service.rollback", "service", s.name(), "service " + s.name() + ": " + step.message()
            + "; rolling back to the previous spec");
        return Set.of(); // the rollback paces itself from the next input on
      }
      default -> throw new IllegalStateException();
    }
    if (step.wakeAt() != null) {
      d.timer(step.wakeAt(), "update", s.name());
    }
    return step.mayReplace();
  }
}
