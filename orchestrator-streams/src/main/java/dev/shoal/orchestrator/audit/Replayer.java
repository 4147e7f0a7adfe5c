package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.DecisionCode;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.Orchestrator;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Topics;
import java.util.List;
import java.util.TreeSet;

/**
 * Replays the control log through the decision code: a fresh {@link ClusterState} (or one restored
 * from a {@link StateSnapshot}), an {@link Orchestrator} with the cluster's settings and join
 * policy, and for each control-log record {@code plan(message, record time)}, the records the
 * decision processor would publish ({@link DecisionOutputs}), and commit — what
 * {@code ControlProcessor} does, minus Kafka. The record time is the decision time the orchestrator
 * recorded, so the replayed decision sees the same clock (DESIGN principle 2).
 *
 * <p>Each record's {@code shoal-sequence} header must be the next decision's sequence: a record
 * without one, or repeating one, was not written by a decision (the orchestrator never reads the
 * control log back, so it changed nothing) and is skipped; a gap means records were removed, and
 * the replay stops ({@link ReplayException}). A decision whose {@code shoal-decision-code} names
 * other decision code than this build's is not replayed ({@link Foreign}); one without the header
 * (recorded before the header existed) is replayed as this build's.
 */
public final class Replayer {
  /** What replaying one control-log record gave. */
  public sealed interface Step permits Decided, Skipped, Failed, Foreign {
    LogRecord input();
  }

  /** A decision replayed: its input, the plan (changes, events, timers) and what it publishes, in order. */
  public record Decided(LogRecord input, ControlMessage message, Plan plan, List<DecisionOutputs.Published> outputs)
      implements Step {}

  /** A record that is no decision (no sequence, or one already replayed): it changed nothing. */
  public record Skipped(LogRecord input, String reason) implements Step {}

  /**
   * A recorded decision that does not replay (unreadable, or the decision code throws or refuses its
   * outputs): the orchestrator decided it, so this is a divergence. Its sequence is used up, so later
   * decisions keep theirs.
   */
  public record Failed(LogRecord input, String reason) implements Step {}

  /**
   * A decision made by other decision code than this build's ({@link DecisionCode}): this build
   * would decide it by its own rules, so it is not replayed, and neither is anything after it (the
   * state from here on is that code's). The replay stays before it.
   */
  public record Foreign(LogRecord input, int decisionCode) implements Step {
    /** Why the replay stops here, for a person. */
    public String reason() {
      return "decision " + input.sequence() + " (control offset " + input.offset() + ") and what follows were made"
          + " by decision code " + decisionCode + "; this build decides as decision code " + DecisionCode.VERSION
          + " and re-derives only its own decisions";
    }
  }

  private final Topics topics;
  private final ClusterState state;
  private final Orchestrator orchestrator;
  private final OrchestratorSettings settings;
  private final SignatureVerdicts signatures = new SignatureVerdicts();
  // What the decision stores hold besides services, tasks and nodes, tracked from each plan's
  // changes as ControlProcessor writes them: a snapshot needs them and ClusterState lists them not.
  private final TreeSet<String> restartKeys = new TreeSet<>();
  private final TreeSet<String> updateIds = new TreeSet<>();
  private final TreeSet<String> requestIds = new TreeSet<>();
  private long nextOffset;

  /** A replay from the beginning of the control log. */
  public Replayer(Topics topics, OrchestratorSettings settings, JoinPolicy joinPolicy, Scheduler scheduler) {
    this(topics, settings, joinPolicy, scheduler, null);
  }

  /** A replay that goes on from {@code from} (null: from the beginning). */
  public Replayer(Topics topics, OrchestratorSettings settings, JoinPolicy joinPolicy, Scheduler scheduler,
                  StateSnapshot from) {
    this.topics = topics;
    this.settings = settings;
    this.state = new ClusterState();
    if (from != null) {
      from.loadInto(state);
      restartKeys.addAll(from.restarts().keySet());
      updateIds.addAll(from.updates().keySet());
      requestIds.addAll(from.requests().keySet());
      nextOffset = from.nextOffset();
    }
    this.orchestrator = new Orchestrator(state, scheduler, settings, joinPolicy, signatures);
  }

  /** The state after the last replayed decision: read it, never change it. */
  public ClusterState state() {
    return state;
  }

  public OrchestratorSettings settings() {
    return settings;
  }

  /** The sequence of the last replayed decision (0 before the first). */
  public long sequence() {
    return state.meta().lastSequence();
  }

  /** The decision time of the last replayed decision. */
  public long time() {
    return state.meta().lastTime();
  }

  /** The control-log offset after the last record replayed. */
  public long nextOffset() {
    return nextOffset;
  }

  TreeSet<String> restartKeys() {
    return restartKeys;
  }

  TreeSet<String> updateIds() {
    return updateIds;
  }

  TreeSet<String> requestIds() {
    return requestIds;
  }

  /** How the decisions' signature questions were answered: from verdicts checked ahead, or checked here. */
  SignatureVerdicts signatures() {
    return signatures;
  }

  /**
   * Replays one control-log record.
   *
   * @throws ReplayException when the record's sequence skips decisions: earlier records are missing
   */
  public Step apply(LogRecord r) {
    return apply(ReplayInput.read(r));
  }

  /**
   * Replays one control-log record, read (and its signature perhaps checked) ahead.
   *
   * @throws ReplayException when the record's sequence skips decisions: earlier records are missing
   */
  public Step apply(ReplayInput in) {
    LogRecord r = in.record();
    long expected = sequence() + 1;
    if (r.sequence() == null) {
      nextOffset = r.offset() + 1;
      return new Skipped(r, "no shoal-sequence header: no decision wrote this record");
    }
    if (r.sequence() < expected) {
      nextOffset = r.offset() + 1;
      return new Skipped(r, "sequence " + r.sequence() + " again: decision " + r.sequence() + " was recorded earlier");
    }
    if (r.sequence() > expected) {
      throw new ReplayException("the control log has a gap at " + r.where() + ": sequence " + r.sequence()
          + " follows " + sequence() + "; records were removed and no replay can reproduce what follows");
    }
    if (r.decisionCode() != null && r.decisionCode() != DecisionCode.VERSION) {
      return new Foreign(r, r.decisionCode());
    }
    nextOffset = r.offset() + 1;
    if (in.message() == null) {
      useUp(r);
      return new Failed(r, in.unreadable());
    }
    ControlMessage message = in.message();
    Plan plan;
    DecisionOutputs.Result outputs;
    signatures.expect(in.signature());
    try {
      plan = orchestrator.plan(message, r.timestamp());
      outputs = DecisionOutputs.of(plan, state, message, r.key(), topics, settings);
    } catch (RuntimeException | StackOverflowError e) {
      orchestrator.rollback();
      useUp(r);
      return new Failed(r, "the decision fails on replay: " + e);
    } finally {
      signatures.expect(null);
    }
    if (outputs.refusal() != null) {
      orchestrator.rollback();
      useUp(r);
      return new Failed(r, "the decision is refused on replay: " + outputs.refusal());
    }
    track(plan.changes());
    orchestrator.commit();
    return new Decided(r, message, plan, outputs.records());
  }

  /** A recorded decision that could not be replayed still had its sequence; the next one keeps its own. */
  private void useUp(LogRecord r) {
    ClusterState.Meta m = state.meta();
    state.put(new ClusterState.Meta(m.lastVersion(), Math.max(m.lastTime(), r.timestamp()), r.sequence()));
    orchestrator.commit();
  }

  private void track(ClusterState.Changes c) {
    for (String k : c.restartKeys()) {
      keep(restartKeys, k, state.restart(k).isPresent());
    }
    for (String id : c.updateServiceIds()) {
      keep(updateIds, id, state.update(id).isPresent());
    }
    for (String id : c.requestIds()) {
      keep(requestIds, id, state.request(id).isPresent());
    }
  }

  private static void keep(TreeSet<String> set, String key, boolean present) {
    if (present) {
      set.add(key);
    } else {
      set.remove(key);
    }
  }
}
