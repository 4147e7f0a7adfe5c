package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every record a plan would publish, serialised once and checked before anything is written: a
 * record the broker would refuse ({@code RecordTooLargeException}) would otherwise fail the stream
 * thread after the stores had changed, and the replaced thread would meet the same message again.
 * {@link #refusal} names the first record over {@link Limits#MAX_OUTPUT_RECORD_BYTES}.
 */
record OutputPlan(List<Output> records, String refusal) {

  /** One record for one sink; a null value is a tombstone. */
  record Output(String sink, String key, byte[] value) {}

  static OutputPlan of(Plan plan, ClusterState state, long offset) {
    List<Output> out = new ArrayList<>();
    ClusterState.Changes c = plan.changes();
    for (Service s : c.services()) {
      out.add(new Output(OrchestratorTopology.TO_SERVICES, s.id(), Json.toBytes(s)));
    }
    for (Service s : c.removedServices()) {
      out.add(new Output(OrchestratorTopology.TO_SERVICES, s.id(), null));
    }
    for (String id : c.taskIds()) {
      out.add(new Output(OrchestratorTopology.TO_TASKS, id, state.task(id).map(Json::toBytes).orElse(null)));
    }
    for (String id : c.nodeIds()) {
      out.add(new Output(OrchestratorTopology.TO_NODES, id, state.node(id).map(Json::toBytes).orElse(null)));
    }
    if (c.clusterInfoChanged()) {
      out.add(new Output(OrchestratorTopology.TO_CLUSTER, ClusterInfo.KEY, Json.toBytes(state.clusterInfo())));
    }
    c.refusals().forEach((nodeId, reason) -> out.add(new Output(OrchestratorTopology.TO_ASSIGNMENTS, nodeId,
        Json.toBytes(new Assignment(nodeId, offset, List.of(), reason)))));
    for (String nodeId : c.assignmentNodeIds()) {
      List<Task> set = state.tasksOn(nodeId);
      boolean known = state.node(nodeId).isPresent();
      out.add(new Output(OrchestratorTopology.TO_ASSIGNMENTS, nodeId,
          known || !set.isEmpty() ? Json.toBytes(new Assignment(nodeId, offset, set)) : null));
    }
    for (ClusterEvent e : plan.events()) {
      out.add(new Output(OrchestratorTopology.TO_EVENTS, e.entityId(), Json.toBytes(e)));
    }
    return new OutputPlan(out, firstTooLarge(out).orElse(null));
  }

  private static Optional<String> firstTooLarge(List<Output> out) {
    for (Output o : out) {
      int size = (o.value() == null ? 0 : o.value().length) + o.key().getBytes(StandardCharsets.UTF_8).length;
      if (size > Limits.MAX_OUTPUT_RECORD_BYTES) {
        return Optional.of("the decision would publish a record of " + size + " bytes to " + o.sink().replace("control-to-", "")
            + " (key " + o.key() + "); the limit is " + Limits.MAX_OUTPUT_RECORD_BYTES);
      }
    }
    return Optional.empty();
  }
}
