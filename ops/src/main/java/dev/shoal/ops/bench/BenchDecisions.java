package dev.shoal.ops.bench;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.Orchestrator;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.core.StatusSignatures;
import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.schemas.Topics;
import java.util.List;

/**
 * Decides on the bench's inputs with the decision code the orchestrator runs ({@link Orchestrator},
 * and {@link DecisionOutputs}: the records {@code ControlProcessor} publishes, the control-log entry
 * among them), so the bench's logs are what the orchestrator would have written for those inputs.
 * What it leaves out is Kafka Streams around it: the intakes (the inputs are already valid), the
 * stores and one transaction per commit interval.
 */
final class BenchDecisions {
  /** What one decision publishes: its sequence, decision time and records, in publishing order. */
  record Decided(long sequence, long time, Plan plan, List<DecisionOutputs.Published> records) {}

  private final Topics topics;
  private final ClusterState state = new ClusterState();
  private final OrchestratorSettings settings;
  private final Orchestrator orchestrator;
  private long refused;

  BenchDecisions(Topics topics, OrchestratorSettings settings, JoinPolicy joins) {
    this(topics, settings, joins, StatusSignatures.CHECKED);
  }

  /** Decisions that ask {@code signatures} whether a status is signed (its verdicts must be a check's). */
  BenchDecisions(Topics topics, OrchestratorSettings settings, JoinPolicy joins, StatusSignatures signatures) {
    this.topics = topics;
    this.settings = settings;
    this.orchestrator = new Orchestrator(state, new Scheduler(), settings, joins, signatures);
  }

  /** The state after the last decision: read it, never change it. */
  ClusterState state() {
    return state;
  }

  /** Inputs the processor would have quarantined (no decision, no sequence): 0 unless the bench is wrong. */
  long refused() {
    return refused;
  }

  /** Decides on {@code in}, as {@code ControlProcessor.process} does; null when it would be quarantined. */
  Decided decide(AuditHistoryGenerator.Input in) {
    Plan plan;
    DecisionOutputs.Result out;
    try {
      plan = orchestrator.plan(in.message(), in.time());
      out = DecisionOutputs.of(plan, state, in.message(), in.key(), topics, settings);
    } catch (RuntimeException e) {
      orchestrator.rollback();
      refused++;
      return null;
    }
    if (out.refusal() != null) {
      orchestrator.rollback();
      refused++;
      return null;
    }
    orchestrator.commit();
    return new Decided(plan.sequence(), plan.time(), plan, out.records());
  }
}
