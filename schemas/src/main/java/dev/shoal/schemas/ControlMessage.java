package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One input to the orchestrator's decisions, on the single-partition {@code shoal.control} log.
 * Every input that can change a decision (a validated spec, a removal, a command, a task status,
 * a node coming up or going down, a timer that fired) is copied here first, so that the decision
 * processor reads one ordered history and replaying this log reproduces every decision.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ControlMessage.SpecApplied.class, name = "spec-applied"),
    @JsonSubTypes.Type(value = ControlMessage.SpecRemoved.class, name = "spec-removed"),
    @JsonSubTypes.Type(value = ControlMessage.CommandIssued.class, name = "command"),
    @JsonSubTypes.Type(value = ControlMessage.TaskStatusReported.class, name = "task-status"),
    @JsonSubTypes.Type(value = ControlMessage.TaskStatusesReported.class, name = "task-statuses"),
    @JsonSubTypes.Type(value = ControlMessage.NodeUp.class, name = "node-up"),
    @JsonSubTypes.Type(value = ControlMessage.NodeDown.class, name = "node-down"),
    @JsonSubTypes.Type(value = ControlMessage.TimerFired.class, name = "timer"),
})
public sealed interface ControlMessage {

  /**
   * A valid spec was published. {@code expectedVersion} is set when the publisher read a version
   * and wants the change refused if the service has moved on since.
   */
  record SpecApplied(ServiceSpec spec, Long expectedVersion, String principal, String requestId)
      implements ControlMessage {}

  /** A tombstone was published for the service name. */
  record SpecRemoved(String name, String principal, String requestId) implements ControlMessage {}

  /** A command from {@code shoal.commands}. */
  record CommandIssued(CommandEnvelope envelope) implements ControlMessage {}

  /** An agent's observation from {@code shoal.task-status}. */
  record TaskStatusReported(TaskStatus status) implements ControlMessage {}

  /**
   * An agent's signed batch of observations from {@code shoal.task-status}: decided as one input,
   * its statuses applied in order as each would be alone. Kept signed, so a replay checks it again.
   */
  record TaskStatusesReported(TaskStatusBatch batch) implements ControlMessage {}

  /**
   * A node sent a heartbeat while unknown or down, or its description changed. {@code joinProof}
   * is what admits an unknown node; {@code publicKey} is the key its heartbeat was signed with,
   * which liveness checked (against the node's recorded key when it had one).
   */
  record NodeUp(String nodeId, NodeDescription description, String role, String joinProof, String publicKey)
      implements ControlMessage {
    public NodeUp(String nodeId, NodeDescription description, String role, String joinProof) {
      this(nodeId, description, role, joinProof, null);
    }

    public NodeUp(String nodeId, NodeDescription description, String role) {
      this(nodeId, description, role, null);
    }
  }

  /** A node missed heartbeats for longer than the down timeout. */
  record NodeDown(String nodeId, String reason) implements ControlMessage {}

  /** A timer (restart delay, update delay, monitor window) came due; {@code name} says which. */
  record TimerFired(String name, String target) implements ControlMessage {}
}
