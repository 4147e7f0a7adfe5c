package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.Map;
import java.util.Optional;

/**
 * The rules for one slot that the replicated and global reconcilers share: move tasks off nodes
 * that are gone or draining, replace outdated tasks, and apply the restart policy to a slot whose
 * task ended by itself.
 */
final class SlotReconciler {
  private SlotReconciler() {}

  /**
   * Plans for one slot that should be served. {@code key} identifies the slot for restart
   * bookkeeping; {@code slot}/{@code nodeId} go into a created task.
   */
  static void serve(Service service, SlotView view, String key, Integer slot, String nodeId,
                    Map<String, Node> nodes, RestartLookup restarts, long now, boolean mayReplace,
                    ReconcilePlan plan) {
    for (Task t : view.tasks()) {
      if (ClusterState.isActive(t)) {
        Optional<String> move = SlotView.reasonToMove(t, nodes);
        move.ifPresent(reason -> plan.shutdowns.add(new ReconcilePlan.Shutdown(t.id(), reason)));
      }
    }
    boolean startFirst = "start-first".equals(service.spec().updateConfig().order());
    Optional<Task> holder = view.holder(nodes);
    if (holder.isPresent()) {
      Task h = holder.get();
      // Healthy too when a check counts: the ingress sends it traffic only then, and Swarm reports
      // such a container RUNNING only once healthy, so its start-first stops the old task then.
      boolean freshStarting = !SlotView.outdated(h, service.spec()) && !HealthGate.serving(h);
      for (Task t : view.tasks()) {
        if (t == h || !SlotView.holdsSlot(t, nodes)) {
          continue;
        }
        boolean outdated = SlotView.outdated(t, service.spec());
        if (startFirst && freshStarting && outdated) {
          continue; // start-first: the old task serves until its replacement does
        }
        plan.shutdowns.add(new ReconcilePlan.Shutdown(t.id(),
            outdated ? "replaced by version " + service.version() : "duplicate task in slot"));
      }
      if (SlotView.outdated(h, service.spec()) && mayReplace) {
        if (!startFirst) {
          plan.shutdowns.add(new ReconcilePlan.Shutdown(h.id(), "replaced by version " + service.version()));
        }
        plan.creates.add(new ReconcilePlan.Create(slot, nodeId, h.id()));
      }
      return;
    }
    Optional<Task> dead = view.deadLatest();
    if (dead.isEmpty()) {
      plan.creates.add(new ReconcilePlan.Create(slot, nodeId, null));
      return;
    }
    if (SlotView.outdated(dead.get(), service.spec()) && mayReplace) {
      // The spec changed since this task ended (an update or a rollback): run the new spec now,
      // the restart delay is for the same spec failing again.
      plan.shutdowns.add(new ReconcilePlan.Shutdown(dead.get().id(), "replaced by version " + service.version()));
      plan.creates.add(new ReconcilePlan.Create(slot, nodeId, dead.get().id()));
      return;
    }
    RestartRecord previous = restarts.get(key);
    RestartRecord decision = previous != null && dead.get().id().equals(previous.decidedFor())
        ? previous
        : RestartPolicyDecider.decide(service.spec().restartPolicy(), dead.get(), previous, now);
    if (decision != previous) {
      plan.restarts.add(new ReconcilePlan.RestartDecision(key, decision));
    }
    if (decision.gaveUp()) {
      return;
    }
    if (now >= decision.notBefore()) {
      plan.shutdowns.add(new ReconcilePlan.Shutdown(dead.get().id(), "replaced after it ended"));
      plan.creates.add(new ReconcilePlan.Create(slot, nodeId, dead.get().id()));
    } else if (decision != previous) {
      plan.timers.add(new ReconcilePlan.Timer(decision.notBefore(), "restart", service.name()));
    }
  }

  /** Shuts down every active task of a slot that should no longer be served. */
  static void retire(SlotView view, String reason, ReconcilePlan plan) {
    for (Task t : view.tasks()) {
      if (ClusterState.isActive(t)) {
        plan.shutdowns.add(new ReconcilePlan.Shutdown(t.id(), reason));
      }
    }
  }

  /** Restart bookkeeping by slot key. */
  interface RestartLookup {
    RestartRecord get(String key);
  }
}
