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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Brings the services a message may have affected to their desired state: paces an update under
 * way ({@link UpdateStrategy}), then asks the replicated or global reconciler what to create and
 * shut down, and applies that to the state. Only the slots the message touched are visited
 * ({@link Scope}), with two exceptions that keep the result a whole pass's: a service with an update
 * under way (or paused) is reconciled whole, its pace being a matter of all its slots, and a slot
 * whose task ended while wanted running is visited with any other slot of its service, since its
 * restart delay may have run out since it was last looked at.
 */
final class ServiceReconciliation {
  private final UpdateStrategy updates;
  /** Slots looked at so far: what the scopes cost, for tests and the decision bench. */
  private long slotsVisited;

  ServiceReconciliation(UpdateStrategy updates) {
    this.updates = updates;
  }

  /** Reconciles what the scope names; returns the slots visited, by service name, for the history trim. */
  SortedMap<String, Slots> reconcile(Scope scope, Decision d) {
    Map<String, Slots> wanted = new LinkedHashMap<>();
    List<Service> services = new ArrayList<>();
    if (scope.allServices()) {
      for (Service s : d.state.services()) {
        services.add(s);
        wanted.put(s.name(), Slots.NONE); // its due work only, unless the scope names more of it
      }
    }
    scope.services().forEach((name, slots) -> d.state.service(name).ifPresent(s -> {
      if (!scope.allServices()) {
        services.add(s);
      }
      wanted.merge(s.name(), slots, Slots::and);
    }));
    // Reconciling changes tasks and services, never nodes: one view of the nodes serves every service.
    SortedMap<String, Node> nodes = Collections.unmodifiableSortedMap(d.state.nodeMap());
    TreeMap<String, Slots> visited = new TreeMap<>();
    for (Service s : services) {
      Slots visit = visit(s, wanted.get(s.name()), d.state);
      if (visit.isEmpty()) {
        continue; // not updating, nothing due: nothing to decide
      }
      reconcile(s, visit, nodes, d);
      visited.merge(s.name(), visit, Slots::and);
    }
    return visited;
  }

  long slotsVisited() {
    return slotsVisited;
  }

  /** The slots to reconcile: what the message touched, or the whole service (see the class comment). */
  private static Slots visit(Service s, Slots touched, ClusterState state) {
    if (touched.all() || state.update(s.id()).isPresent()) {
      return Slots.ALL;
    }
    TreeSet<Integer> slots = new TreeSet<>();
    TreeSet<String> nodes = new TreeSet<>();
    for (Task t : state.endedWhileWantedOf(s.id())) {
      String key = t.slot() != null ? ReplicatedReconciler.restartKey(s, t.slot())
          : t.nodeId() != null ? s.id() + "/" + t.nodeId() : null;
      RestartRecord r = key == null ? null : state.restart(key).orElse(null);
      boolean settled = r != null && r.gaveUp() && t.id().equals(r.decidedFor()); // never restarted, whenever looked at
      if (key == null || settled) {
        continue;
      }
      if (t.slot() != null) {
        slots.add(t.slot());
      } else {
        nodes.add(t.nodeId());
      }
    }
    return slots.isEmpty() && nodes.isEmpty() ? touched : touched.and(new Slots(false, slots, nodes));
  }

  private void reconcile(Service s, Slots visit, Map<String, Node> nodes, Decision d) {
    Set<String> pace = paceUpdate(s, nodes, d);
    s = d.state.service(s.name()).orElse(s);
    boolean paused = s.updateStatus() != null && (UpdateStatus.PAUSED.equals(s.updateStatus().state())
        || UpdateStatus.ROLLBACK_PAUSED.equals(s.updateStatus().state()));
    Predicate<String> mayReplace = pace != null ? pace::contains : key -> !paused;
    SlotReconciler.RestartLookup restarts = key -> d.state.restart(key).orElse(null);
    ReconcilePlan plan = s.spec().isGlobal()
        ? GlobalReconciler.reconcile(s, visit, d.state, nodes, restarts, d.time, mayReplace)
        : ReplicatedReconciler.reconcile(s, visit, d.state, nodes, restarts, d.time, mayReplace);
    slotsVisited += plan.slotsVisited;
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
  private Set<String> paceUpdate(Service s, Map<String, Node> nodes, Decision d) {
    Optional<UpdateProgress> progress = d.state.update(s.id());
    UpdateStatus status = s.updateStatus();
    boolean active = status != null && (UpdateStatus.UPDATING.equals(status.state())
        || UpdateStatus.ROLLBACK_STARTED.equals(status.state()));
    if (progress.isEmpty() || !active) {
      return null; // no update under way: nothing is outdated, or it is paused
    }
    Map<String, SlotView> slots = s.spec().isGlobal()
        ? GlobalReconciler.slots(s, d.state, nodes) : ReplicatedReconciler.slots(s, d.state);
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
