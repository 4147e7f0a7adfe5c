package dev.shoal.orchestrator.streams;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.Plan;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every record a plan would publish, serialised once and checked before anything is written: a
 * record the broker would refuse ({@code RecordTooLargeException}) would otherwise fail the stream
 * thread after the stores had changed, and the replaced thread would meet the same message again.
 * {@link #refusal} names the first record over the limit ({@link Limits#MAX_OUTPUT_RECORD_BYTES} by default).
 * {@link #taskJson} holds each changed task's JSON (null: removed), for the tasks store to keep as is.
 */
record OutputPlan(List<Output> records, String refusal, Map<String, byte[]> taskJson) {

  /** One record for one sink; a null value is a tombstone. */
  record Output(String sink, String key, byte[] value) {}

  static OutputPlan of(Plan plan, ClusterState state, ControlMessage message, String key, int maxRecordBytes) {
    List<Output> out = new ArrayList<>();
    long offset = plan.sequence();
    // The control log: the input as decided, so that replaying it reproduces every decision.
    out.add(new Output(OrchestratorTopology.TO_CONTROL, key == null ? "" : key, Json.toBytes(message)));
    ClusterState.Changes c = plan.changes();
    for (Service s : c.services()) {
      out.add(new Output(OrchestratorTopology.TO_SERVICES, s.id(), Json.toBytes(s)));
    }
    for (Service s : c.removedServices()) {
      out.add(new Output(OrchestratorTopology.TO_SERVICES, s.id(), null));
    }
    // Each changed task is serialised once: for shoal.tasks, for the tasks store and inside its
    // assignment (a placement serialised its task three times, a status twice; issue 14).
    Map<String, byte[]> taskJson = new HashMap<>();
    for (String id : c.taskIds()) {
      byte[] json = state.task(id).map(Json::toBytes).orElse(null);
      taskJson.put(id, json);
      out.add(new Output(OrchestratorTopology.TO_TASKS, id, json));
    }
    for (String id : c.nodeIds()) {
      out.add(new Output(OrchestratorTopology.TO_NODES, id, state.node(id).map(Json::toBytes).orElse(null)));
    }
    if (c.clusterInfoChanged()) {
      out.add(new Output(OrchestratorTopology.TO_CLUSTER, ClusterInfo.KEY, Json.toBytes(state.clusterInfo())));
    }
    c.refusals().forEach((nodeId, reason) -> out.add(new Output(OrchestratorTopology.TO_ASSIGNMENTS, nodeId,
        Json.toBytes(new Assignment(nodeId, offset, null, reason)))));
    for (String nodeId : c.nodeIds()) {
      if (state.node(nodeId).isEmpty()) {
        out.add(new Output(OrchestratorTopology.TO_ASSIGNMENTS, nodeId, null)); // a removed node's refusal, if any
      }
    }
    // One record per task on its node: a placement costs one record (bounded by the spec limit),
    // whatever else the node runs.
    c.assignmentTasks().forEach((taskId, nodeId) -> {
      Task t = state.task(taskId).filter(x -> nodeId.equals(x.nodeId())).orElse(null);
      // A task whose assignment changed is a changed task too (ClusterState tracks both): its JSON is above.
      out.add(new Output(OrchestratorTopology.TO_ASSIGNMENTS, Assignment.key(nodeId, taskId),
          t == null ? null : Assignment.json(nodeId, offset, taskJson.get(taskId))));
    });
    for (ClusterEvent e : plan.events()) {
      out.add(new Output(OrchestratorTopology.TO_EVENTS, e.entityId(), Json.toBytes(e)));
    }
    return new OutputPlan(out, firstTooLarge(out, maxRecordBytes).orElse(null), taskJson);
  }

  private static Optional<String> firstTooLarge(List<Output> out, int maxRecordBytes) {
    for (Output o : out) {
      int size = (o.value() == null ? 0 : o.value().length) + o.key().getBytes(StandardCharsets.UTF_8).length;
      if (size > maxRecordBytes) {
        return Optional.of("the decision would publish a record of " + size + " bytes to " + o.sink().replace("control-to-", "")
            + " (key " + o.key() + "); the limit is " + maxRecordBytes);
      }
    }
    return Optional.empty();
  }
}
