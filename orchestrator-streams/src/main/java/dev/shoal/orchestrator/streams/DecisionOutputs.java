package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records a decision publishes, exactly as the decision processor builds them
 * ({@link OutputPlan}), named by topic rather than by sink: replay-based audit
 * ({@code dev.shoal.orchestrator.audit}) compares them with what the derived topics hold. This
 * class only exposes {@link OutputPlan}; it decides nothing, so a replay cannot drift from what
 * {@link ControlProcessor} publishes.
 */
public final class DecisionOutputs {
  /**
   * One record: its topic, key and serialised value (null: a tombstone), and the key whose default
   * partition it goes to: the key itself, except for an assignment record, which goes to its node's
   * partition ({@link NodePartitioner}).
   */
  public record Published(String topic, String key, byte[] value, String partitionKey) {
    public Published(String topic, String key, byte[] value) {
      this(topic, key, value, key);
    }
  }

  /** Every record of the decision in publishing order, and the reason the processor would refuse it (else null). */
  public record Result(List<Published> records, String refusal) {}

  private DecisionOutputs() {}

  /**
   * What {@link ControlProcessor} publishes for {@code plan}, read in the open transaction of
   * {@code state} (before commit), for {@code message} that came with record key {@code key}.
   */
  public static Result of(Plan plan, ClusterState state, ControlMessage message, String key, Topics topics,
                          OrchestratorSettings settings) {
    OutputPlan plan0 = OutputPlan.of(plan, state, message, key, settings.maxOutputRecordBytes());
    Map<String, String> topicOfSink = Map.of(
        OrchestratorTopology.TO_CONTROL, topics.control.name(),
        OrchestratorTopology.TO_SERVICES, topics.services.name(),
        OrchestratorTopology.TO_TASKS, topics.tasks.name(),
        OrchestratorTopology.TO_NODES, topics.nodes.name(),
        OrchestratorTopology.TO_ASSIGNMENTS, topics.assignments.name(),
        OrchestratorTopology.TO_EVENTS, topics.events.name(),
        OrchestratorTopology.TO_CLUSTER, topics.cluster.name());
    List<Published> out = new ArrayList<>(plan0.records().size());
    for (OutputPlan.Output o : plan0.records()) {
      String topic = topicOfSink.get(o.sink());
      if (topic == null) {
        throw new IllegalStateException("no topic known for sink " + o.sink());
      }
      String partitionKey = o.sink().equals(OrchestratorTopology.TO_ASSIGNMENTS) ? NodePartitioner.partitionKey(o.key())
          : o.key();
      out.add(new Published(topic, o.key(), o.value(), partitionKey));
    }
    return new Result(out, plan0.refusal());
  }
}
