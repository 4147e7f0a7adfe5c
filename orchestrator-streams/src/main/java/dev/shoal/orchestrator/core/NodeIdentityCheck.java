package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.Map;
import java.util.Optional;

/**
 * "A node speaks only for itself" (DESIGN principle 6), as the decision checks it: a task status
 * (alone, or in a batch whose one signature covers it) must be signed with the key recorded on its
 * node and come after the last status applied to its task (so a copy is refused), and a node-up for a known node must be about the key on record. Liveness
 * already refused forged and replayed heartbeats; what reaches here from it is checked again because
 * liveness may not have known the key yet. Pure and deterministic: it reads only the message and the
 * state, so a replay of the control log refuses the same messages.
 */
final class NodeIdentityCheck {
  /** Checks everything: what the orchestrator runs. */
  static final NodeIdentityCheck SIGNED = new NodeIdentityCheck(true, StatusSignatures.CHECKED);
  /** Checks nothing: for decision tests that feed the pure {@link Orchestrator} hand-made messages. */
  static final NodeIdentityCheck NONE = new NodeIdentityCheck(false, StatusSignatures.CHECKED);

  private final boolean enforced;
  private final StatusSignatures signatures;

  private NodeIdentityCheck(boolean enforced, StatusSignatures signatures) {
    this.enforced = enforced;
    this.signatures = signatures;
  }

  /** Checks everything, asking {@code signatures} whether a status is signed (same verdicts as {@link #SIGNED}). */
  static NodeIdentityCheck signed(StatusSignatures signatures) {
    return new NodeIdentityCheck(true, signatures);
  }

  /** Why {@code s}, about {@code task} on {@code node}, is not its node's word; empty when it is. */
  Optional<String> status(TaskStatus s, Optional<Node> node, Task task) {
    if (!enforced) {
      return Optional.empty();
    }
    String key = node.map(Node::publicKey).orElse(null);
    if (key == null) {
      return Optional.of("node " + s.nodeId() + " has no key on record: its statuses cannot be checked");
    }
    if (s.signature() == null || s.boot() == null || s.sequence() == null) {
      return Optional.of("unsigned task status for task " + s.taskId() + " from node " + s.nodeId());
    }
    if (!signatures.verifies(s, key)) {
      return Optional.of("task status for task " + s.taskId() + " is not signed by node " + s.nodeId() + "'s key");
    }
    return replayed(s, task);
  }

  /**
   * Why the batch {@code b} is not {@code node}'s word as a whole (no key on record, not signed with
   * it); empty when it is. Each status in it is then checked by {@link #inBatch}.
   */
  Optional<String> batch(TaskStatusBatch b, Optional<Node> node) {
    if (!enforced) {
      return Optional.empty();
    }
    String key = node.map(Node::publicKey).orElse(null);
    if (key == null) {
      return Optional.of("node " + b.nodeId() + " has no key on record: its statuses cannot be checked");
    }
    if (b.signature() == null) {
      return Optional.of("unsigned task status batch from node " + b.nodeId());
    }
    if (!signatures.verifies(b, key)) {
      return Optional.of("task status batch (boot " + b.boot() + ", sequence " + b.sequence() + ") is not signed by node "
          + b.nodeId() + "'s key");
    }
    return Optional.empty();
  }

  /**
   * Why {@code s}, a status of a batch whose signature {@link #batch} passed ({@link TaskStatusBatch#status}:
   * its order is the batch's), about {@code task} on its node, is not to be applied; empty when it is.
   * The checks a single status gets after its signature, so a batch passes no status that alone would not.
   */
  Optional<String> inBatch(TaskStatus s, Task task) {
    return enforced ? replayed(s, task) : Optional.empty();
  }

  /** Why {@code s} is a copy (not after the last status applied to {@code task}); empty when it is not. */
  private static Optional<String> replayed(TaskStatus s, Task task) {
    TaskStatus last = task.status();
    if (last != null && last.boot() != null && last.sequence() != null
        && compare(s.boot(), s.sequence(), last.boot(), last.sequence()) <= 0) {
      return Optional.of("replayed task status for task " + s.taskId() + ": (boot " + s.boot() + ", sequence "
          + s.sequence() + ") is not after the last one applied (boot " + last.boot() + ", sequence "
          + last.sequence() + ")");
    }
    return Optional.empty();
  }

  /** Why an unknown node cannot join whatever its token: it has no key to sign with; empty when it has one. */
  Optional<String> keyless(ControlMessage.NodeUp m) {
    return enforced && m.publicKey() == null
        ? Optional.of("the agent sent no node key (an agent older than the orchestrator?)") : Optional.empty();
  }

  /**
   * Why the node-up for the known {@code node} must be refused; empty when its key is the one on
   * record, or when the node has none yet and presents a current join proof for the new key (a node
   * that joined before nodes had keys).
   */
  Optional<String> nodeUp(Node node, ControlMessage.NodeUp m, JoinPolicy joinPolicy, ClusterInfo info) {
    if (!enforced) {
      return Optional.empty();
    }
    if (m.publicKey() == null) {
      return Optional.of("heartbeat of node " + node.id() + " carries no key");
    }
    if (node.publicKey() != null) {
      return node.publicKey().equals(m.publicKey()) ? Optional.empty()
          : Optional.of("heartbeat of node " + node.id() + " is signed with a key other than the node's");
    }
    return joinPolicy.admit(node.id(), m.publicKey(), m.joinProof(), info).isPresent() ? Optional.empty()
        : Optional.of("node " + node.id() + " has no key on record and presents no current join token for its key");
  }

  /** The event a refused message becomes: machine-readable like the intake's rejections. */
  static ClusterEvent rejection(String type, String kind, String id, String reason, long time) {
    return new ClusterEvent(type, kind, id, reason,
        Map.of("outcome", "rejected", "code", RejectionCode.FORBIDDEN.wire()), time);
  }

  private static int compare(long boot, long sequence, long lastBoot, long lastSequence) {
    return boot != lastBoot ? Long.compare(boot, lastBoot) : Long.compare(sequence, lastSequence);
  }
}
