package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Limits;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The decision function. {@link #plan} applies one control message to the {@link ClusterState} in
 * an open transaction: the decision clock moves (never back), a request seen before gets its first
 * outcome again instead of being applied twice, the message's handler ({@link Handlers}) changes
 * what the message is about, and then the services it may affect are reconciled, waiting tasks
 * placed and old history trimmed. The caller checks the {@link Plan} and {@link #commit}s or
 * {@link #rollback}s. Pure and deterministic: it reads only the message, its log time and its
 * position, so replaying the control log rebuilds the same state with the same ids.
 */
public final class Orchestrator {
  private final ClusterState state;
  private final Handlers handlers;
  private final ServiceReconciliation reconciliation;
  private final PendingPlacement placement;
  private final HistoryTrim history;
  private final UnaryOperator<Scope> scopes;

  /**
   * For decision tests that feed hand-made messages: any node joins, and nodes are not asked to sign
   * ({@link NodeIdentityCheck#NONE}).
   */
  public Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings) {
    this(state, scheduler, settings, new Handlers(JoinPolicy.OPEN, NodeIdentityCheck.NONE));
  }

  /** The orchestrator as it runs: nodes join by {@code joinPolicy} and sign what they send. */
  public Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings, JoinPolicy joinPolicy) {
    this(state, scheduler, settings, new Handlers(joinPolicy, NodeIdentityCheck.SIGNED));
  }

  /**
   * The orchestrator as it runs, asking {@code signatures} whether a task status is signed: an audit
   * replay hands it the verdicts it checked ahead; they must be {@link StatusSignatures#CHECKED}'s.
   */
  public Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings, JoinPolicy joinPolicy,
                      StatusSignatures signatures) {
    this(state, scheduler, settings, new Handlers(joinPolicy, NodeIdentityCheck.signed(signatures)));
  }

  private Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings, Handlers handlers) {
    this(state, scheduler, settings, handlers, scope -> scope);
  }

  /**
   * With {@code scopes} applied to every handler's scope: tests widen them to whole services to check
   * that reconciling only the slots a message touched decides the same.
   */
  Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings,
               UnaryOperator<Scope> scopes) {
    this(state, scheduler, settings, new Handlers(JoinPolicy.OPEN, NodeIdentityCheck.NONE), scopes);
  }

  private Orchestrator(ClusterState state, Scheduler scheduler, OrchestratorSettings settings, Handlers handlers,
                       UnaryOperator<Scope> scopes) {
    this.state = state;
    this.handlers = handlers;
    this.scopes = scopes;
    this.reconciliation = new ServiceReconciliation(new RollingUpdateStrategy());
    this.placement = new PendingPlacement(scheduler);
    this.history = new HistoryTrim(settings.taskHistoryLimit());
  }

  public ClusterState state() {
    return state;
  }

  /**
   * Decides on one message, leaving the transaction open. The message gets the next sequence number
   * (its place in the control log's history, which makes the ids it creates unique and replayable)
   * and the decision time {@code max(last decision time, recordTime)}.
   *
   * @param recordTime the input record's timestamp: the broker's append time of its input log
   */
  public Plan plan(ControlMessage message, long recordTime) {
    ClusterState.Meta meta = state.meta();
    long time = Math.max(meta.lastTime(), recordTime);
    long sequence = meta.lastSequence() + 1;
    state.put(new ClusterState.Meta(meta.lastVersion(), time, sequence));
    Decision d = new Decision(state, time, sequence, requestIdOf(message));
    forgetOldRequests(time);
    Optional<ClusterState.RememberedRequest> seen = state.request(d.requestId);
    if (seen.isPresent()) {
      d.events.add(repeated(seen.get().outcome(), time));
      return new Plan(sequence, time, state.changes(), d.events, d.timers);
    }
    Scope scope = scopes.apply(handlers.handle(message, d));
    if (d.requestId != null && d.outcome() != null) {
      state.remember(d.requestId, new ClusterState.RememberedRequest(d.outcome(), time));
    }
    SortedMap<String, Slots> visited = reconciliation.reconcile(scope, d);
    placement.place(scope.capacityChanged(), d);
    history.trim(visited, d);
    return new Plan(sequence, time, state.changes(), d.events, d.timers);
  }

  /**
   * How many slots (a global service's: nodes) reconciliation has looked at since this orchestrator
   * was made: what the messages' scopes cost, whatever the size of the services they touched.
   */
  public long slotsReconciled() {
    return reconciliation.slotsVisited();
  }

  /** Keeps the planned changes. */
  public void commit() {
    state.commit();
  }

  /** Drops the planned changes: the state is as before {@link #plan}. */
  public void rollback() {
    state.rollback();
  }

  /** The request a message answers, if any. */
  public static String requestIdOf(ControlMessage m) {
    if (m instanceof ControlMessage.SpecApplied s) {
      return s.requestId();
    }
    if (m instanceof ControlMessage.SpecRemoved s) {
      return s.requestId();
    }
    if (m instanceof ControlMessage.CommandIssued c) {
      return c.envelope().requestId();
    }
    return null;
  }

  /** Request ids are remembered for a day, and at most {@link Limits#MAX_REMEMBERED_REQUESTS} of them. */
  private void forgetOldRequests(long now) {
    long horizon = now - Limits.REQUEST_MEMORY.toMillis();
    for (int i = 0; i < 100; i++) {
      Optional<String> oldest = state.oldestRequest();
      if (oldest.isEmpty()) {
        return;
      }
      ClusterState.RememberedRequest r = state.request(oldest.get()).orElseThrow();
      if (r.time() >= horizon && state.rememberedRequests() < Limits.MAX_REMEMBERED_REQUESTS) {
        return;
      }
      state.forget(oldest.get());
    }
  }

  private static ClusterEvent repeated(ClusterEvent first, long time) {
    Map<String, String> attrs = new TreeMap<>(first.attributes());
    attrs.put("duplicate", "true");
    return new ClusterEvent(first.type(), first.entityKind(), first.entityId(), first.message()
        + " (a retry of an earlier request: not applied again)", attrs, time);
  }
}
