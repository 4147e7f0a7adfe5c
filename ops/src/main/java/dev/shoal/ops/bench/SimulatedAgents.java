package dev.shoal.ops.bench;

import dev.shoal.orchestrator.core.ClusterState;
import dev.shoal.orchestrator.core.StatusSignatures;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents of {@link AuditHistoryGenerator}'s nodes, as the decision code sees them: each node has
 * its own Ed25519 key (seeded by its id, so a run is repeatable) and signs its task statuses with it,
 * with a growing (boot, sequence), because the decision refuses unsigned or replayed statuses and a
 * replay checks every signature again. After each decision they owe a status for the tasks it
 * changed: RUNNING for a task placed on them, SHUTDOWN for one they run that should stop.
 */
final class SimulatedAgents {
  /** A status an agent owes: the task and the state to report. */
  record Owed(String taskId, TaskState state) {}

  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, Long> sequences = new HashMap<>();
  private final ArrayDeque<Owed> owed = new ArrayDeque<>();
  private TaskStatus lastSigned;
  private String lastSignedKey;

  /** Notes the statuses the agents owe after a decision that changed {@code taskIds}. */
  void observe(ClusterState state, Collection<String> taskIds) {
    for (String id : taskIds) {
      Optional<Task> t = state.task(id);
      if (t.isEmpty() || t.get().nodeId() == null || t.get().state().ordinal() >= TaskState.COMPLETE.ordinal()) {
        continue;
      }
      boolean wanted = t.get().desiredState() == DesiredState.RUNNING;
      if (wanted && t.get().state().ordinal() < TaskState.RUNNING.ordinal()) {
        owed.add(new Owed(id, TaskState.RUNNING));
      } else if (!wanted) {
        owed.add(new Owed(id, TaskState.SHUTDOWN));
      }
    }
  }

  boolean owesAny() {
    return !owed.isEmpty();
  }

  /**
   * The next owed status still worth sending (the task is still there, on an up node, and the state
   * is still ahead of it), signed; empty when none is.
   */
  Optional<ControlMessage> nextStatus(ClusterState state, long now) {
    while (!owed.isEmpty()) {
      Owed o = owed.poll();
      Optional<Task> t = state.task(o.taskId());
      if (t.isEmpty() || t.get().nodeId() == null || !up(state, t.get().nodeId())
          || t.get().state().ordinal() >= o.state().ordinal()
          || t.get().state().ordinal() >= TaskState.COMPLETE.ordinal()) {
        continue;
      }
      return Optional.of(status(t.get(), o.state(), null, now));
    }
    return Optional.empty();
  }

  /** The task's process exited with status 1, as its agent reports it. */
  ControlMessage failed(Task t, long now) {
    return status(t, TaskState.FAILED, 1, now);
  }

  /** What liveness hands the decision when the node's heartbeats (re)start: its description and key. */
  ControlMessage.NodeUp nodeUp(String nodeId) {
    NodeDescription d = new NodeDescription("host-" + nodeId, "10.0.0." + (Math.abs(nodeId.hashCode()) % 250 + 1),
        new NodeResources(8, 16L << 30), List.of("process"), Map.of(), "linux", "amd64", null, "process");
    return new ControlMessage.NodeUp(nodeId, d, null, null, NodeSignatures.encode(keys(nodeId).getPublic()));
  }

  static boolean up(ClusterState state, String nodeId) {
    return state.node(nodeId).map(n -> "ready".equals(n.status())).orElse(false);
  }

  private ControlMessage status(Task t, TaskState state, Integer exitCode, long now) {
    TaskStatus s = new TaskStatus(t.id(), t.nodeId(), state, state.name().toLowerCase(java.util.Locale.ROOT), null,
        exitCode, null, null, null, null, now);
    long seq = sequences.merge(t.nodeId(), 1L, Long::sum);
    lastSigned = NodeSignatures.sign(s.withOrder(1, seq), keys(t.nodeId()).getPrivate());
    lastSignedKey = NodeSignatures.encode(keys(t.nodeId()).getPublic());
    return new ControlMessage.TaskStatusReported(lastSigned);
  }

  /**
   * The decision's signature check for the statuses these agents sign: the one signed last (the
   * input being decided) with its node's key verifies, as a check would find, and is not checked
   * again (the bench made the signature a moment ago; checking it doubled the cost of making a
   * history). Anything else is checked. The replay checks every signature in the logs anyway.
   */
  StatusSignatures signatures() {
    return (s, key) -> s == lastSigned && key.equals(lastSignedKey) || StatusSignatures.CHECKED.verifies(s, key);
  }

  private KeyPair keys(String nodeId) {
    return keys.computeIfAbsent(nodeId, id -> {
      try {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(("bench node " + id).getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, seeded);
        return g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
