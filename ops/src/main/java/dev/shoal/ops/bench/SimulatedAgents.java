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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents of {@link AuditHistoryGenerator}'s nodes, as the decision code sees them: each node has
 * its own Ed25519 key (seeded by its id, so a run is repeatable) and signs its task statuses with it,
 * with a growing (boot, sequence), because the decision refuses unsigned or replayed statuses and a
 * replay checks every signature again.
 *
 * <p>They are level-triggered, as the real agent is: what a node reports is worked out from its
 * assignment as it is when the node gets to it, not from the change that put a task there. A task
 * assigned to an up node and wanted running is reported RUNNING; one the orchestrator wants shut
 * down or removed is reported SHUTDOWN (which ends it, and forgets it if its service is gone). A node
 * that is down reports nothing, and when it is up again (or changes otherwise) it goes over every
 * task assigned to it. So no task waits forever for a report its node owed while it was down, and
 * the decision state stays bounded over a long history.
 */
final class SimulatedAgents {
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, Long> sequences = new HashMap<>();
  /** Tasks to look at again, in the order they changed; each once. */
  private final LinkedHashSet<String> dirty = new LinkedHashSet<>();
  private TaskStatus lastSigned;
  private String lastSignedKey;

  /**
   * Notes what the agents must look at after a decision: the tasks it changed, and every task on
   * the nodes it changed (one that came back up reconciles its whole assignment).
   */
  void observe(ClusterState state, ClusterState.Changes changes) {
    dirty.addAll(changes.taskIds());
    for (String nodeId : changes.nodeIds()) {
      if (up(state, nodeId)) {
        for (Task t : state.tasksOn(nodeId)) {
          dirty.add(t.id());
        }
      }
    }
  }

  boolean owesAny() {
    return !dirty.isEmpty();
  }

  /**
   * The next status an agent owes, signed: the first task looked at that is on an up node and whose
   * observed state is behind what the orchestrator wants of it. Empty when none is. A task on a
   * down node is dropped here and looked at again when its node is back.
   */
  Optional<ControlMessage> nextStatus(ClusterState state, long now) {
    Iterator<String> it = dirty.iterator();
    while (it.hasNext()) {
      String id = it.next();
      it.remove();
      Optional<Task> t = state.task(id);
      if (t.isEmpty() || t.get().nodeId() == null || !up(state, t.get().nodeId())) {
        continue;
      }
      Optional<TaskState> owed = owed(t.get());
      if (owed.isPresent()) {
        return Optional.of(status(t.get(), owed.get(), null, now));
      }
    }
    return Optional.empty();
  }

  /** What the task's agent reports about it now, if anything: how a level-triggered agent converges. */
  static Optional<TaskState> owed(Task t) {
    TaskState s = t.state();
    if (s.isTerminal() || s.ordinal() < TaskState.ASSIGNED.ordinal()) {
      return Optional.empty();
    }
    if (t.desiredState() != DesiredState.RUNNING) {
      return Optional.of(TaskState.SHUTDOWN);
    }
    return s.ordinal() < TaskState.RUNNING.ordinal() ? Optional.of(TaskState.RUNNING) : Optional.empty();
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
