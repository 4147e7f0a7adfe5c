package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Reconciling only the slots a message touched decides exactly what reconciling its services whole
 * did (and, for a node update, every service whole): two orchestrators take the same random inputs —
 * replicated and global services, rolling updates and rollbacks (stop-first and start-first, health
 * checks, failure actions), restart policies with delays and limits, scaling, removal, statuses,
 * nodes joining, going down, drained, paused, relabelled and removed, timers — one with the scopes
 * the handlers give, one with every scope widened to whole services; every plan (changes, events,
 * timers) and the final state must be the same.
 */
class SlotScopeEquivalenceTest {
  private static final String[] SERVICES = {"s0", "s1", "s2", "g0"};

  @RepeatedTest(60)
  void slotScopedDecisionsAreWholePassDecisions(RepetitionInfo info) {
    Random rnd = new Random(7919L * info.getCurrentRepetition());
    Orchestrator scoped = new Orchestrator(new ClusterState(), new Scheduler(), OrchestratorSettings.DEFAULTS);
    ClusterState referenceState = new ClusterState();
    Orchestrator whole = new Orchestrator(referenceState, new Scheduler(), OrchestratorSettings.DEFAULTS,
        scope -> wholeServices(scope, referenceState));
    long time = 1_000_000;
    for (int i = 0; i < 4; i++) {
      ControlMessage up = nodeUp("n" + i, rnd);
      same(scoped, whole, up, time++, "join n" + i);
    }
    for (int step = 0; step < 250; step++) {
      time += rnd.nextInt(5) == 0 ? 6_000 : rnd.nextInt(1_500);
      ControlMessage m = randomMessage(rnd, scoped.state());
      same(scoped, whole, m, time, "step " + step + ": " + m);
    }
    assertThat(describe(scoped.state())).isEqualTo(describe(referenceState));
  }

  /** The scopes before they named slots: every service named, whole; a node update, every service whole. */
  private static Scope wholeServices(Scope scope, ClusterState state) {
    TreeMap<String, Slots> all = new TreeMap<>();
    scope.services().keySet().forEach(name -> all.put(name, Slots.ALL));
    if (scope.allServices()) {
      state.services().forEach(s -> all.put(s.name(), Slots.ALL));
    }
    return new Scope(all, false, scope.capacityChanged());
  }

  private static void same(Orchestrator scoped, Orchestrator whole, ControlMessage m, long time, String what) {
    Plan a = scoped.plan(m, time);
    Plan b = whole.plan(m, time);
    assertThat(describe(a, scoped.state())).as(what).isEqualTo(describe(b, whole.state()));
    scoped.commit();
    whole.commit();
  }

  private static String describe(Plan p, ClusterState s) {
    StringBuilder out = new StringBuilder().append(p.sequence()).append(' ').append(p.time()).append('\n')
        .append(p.events()).append('\n').append(p.timers()).append('\n').append(p.changes()).append('\n');
    for (String id : p.changes().taskIds()) {
      out.append(s.task(id).map(Object::toString).orElse("removed " + id)).append('\n');
    }
    for (String key : p.changes().restartKeys()) {
      out.append(key).append(' ').append(s.restart(key)).append('\n');
    }
    for (String id : p.changes().updateServiceIds()) {
      out.append(id).append(' ').append(s.update(id)).append('\n');
    }
    return out.toString();
  }

  private static String describe(ClusterState s) {
    return s.services() + "\n" + s.tasks() + "\n" + s.nodes();
  }

  private static ControlMessage nodeUp(String id, Random rnd) {
    Node n = Fixtures.node(id, Map.of("zone", rnd.nextBoolean() ? "a" : "b"), 4, 8L << 30);
    return new ControlMessage.NodeUp(id, n.description(), null);
  }

  private static ControlMessage randomMessage(Random rnd, ClusterState state) {
    String svc = SERVICES[rnd.nextInt(SERVICES.length)];
    String node = "n" + rnd.nextInt(6);
    int kind = rnd.nextInt(20);
    if (kind < 3) {
      return new ControlMessage.SpecApplied(Fixtures.spec(randomSpec(rnd, svc)), null, "p", "r" + rnd.nextLong());
    }
    if (kind < 10) {
      List<Task> tasks = new ArrayList<>(state.tasks());
      if (tasks.isEmpty()) {
        return new ControlMessage.TimerFired("restart", svc);
      }
      Task t = tasks.get(rnd.nextInt(tasks.size()));
      TaskState[] states = {TaskState.STARTING, TaskState.RUNNING, TaskState.RUNNING, TaskState.FAILED,
          TaskState.COMPLETE, TaskState.SHUTDOWN};
      String health = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? "healthy" : "unhealthy") : null;
      return new ControlMessage.TaskStatusReported(new TaskStatus(t.id(), t.nodeId(), states[rnd.nextInt(states.length)],
          "x", null, null, null, null, health, null, 0));
    }
    return switch (kind) {
      case 10 -> new ControlMessage.CommandIssued(new CommandEnvelope(new Command.ScaleService(svc, rnd.nextInt(7)),
          "p", "r" + rnd.nextLong(), 0));
      case 11 -> new ControlMessage.CommandIssued(new CommandEnvelope(new Command.RollbackService(svc, null),
          "p", "r" + rnd.nextLong(), 0));
      case 12 -> rnd.nextInt(3) == 0 ? new ControlMessage.SpecRemoved(svc, "p", "r" + rnd.nextLong())
          : new ControlMessage.TimerFired("update", svc);
      case 13 -> new ControlMessage.NodeDown(node, "test");
      case 14 -> nodeUp(node, rnd);
      case 15 -> new ControlMessage.CommandIssued(new CommandEnvelope(new Command.UpdateNode(node,
          List.of(Node.ACTIVE, Node.ACTIVE, Node.PAUSE, Node.DRAIN).get(rnd.nextInt(4)), null,
          rnd.nextBoolean() ? Map.of("zone", rnd.nextBoolean() ? "a" : "b") : null, null), "p", "r" + rnd.nextLong(), 0));
      case 16 -> new ControlMessage.CommandIssued(new CommandEnvelope(new Command.RemoveNode(node, rnd.nextBoolean()),
          "p", "r" + rnd.nextLong(), 0));
      default -> new ControlMessage.TimerFired("restart", svc);
    };
  }

  private static String randomSpec(Random rnd, String name) {
    boolean global = name.startsWith("g");
    StringBuilder j = new StringBuilder("{\"name\":\"").append(name).append("\",\"command\":[\"v")
        .append(rnd.nextInt(3)).append("\"]");
    j.append(global ? ",\"mode\":\"global\"" : ",\"replicas\":" + rnd.nextInt(7));
    if (rnd.nextInt(3) == 0) {
      j.append(",\"placement\":{\"constraints\":[\"node.labels.zone==a\"]}");
    }
    if (rnd.nextInt(4) == 0) {
      j.append(",\"resources\":{\"reservations\":{\"cpus\":1.5}}");
    }
    j.append(",\"restartPolicy\":{\"condition\":\"").append(List.of("any", "on-failure", "none").get(rnd.nextInt(3)))
        .append("\",\"delay\":\"").append(List.of("0s", "2s", "5s").get(rnd.nextInt(3)))
        .append("\",\"maxAttempts\":").append(rnd.nextInt(3)).append('}');
    j.append(",\"updateConfig\":{\"parallelism\":").append(rnd.nextInt(3))
        .append(",\"delay\":\"").append(rnd.nextBoolean() ? "0s" : "2s")
        .append("\",\"monitor\":\"1s\",\"failureAction\":\"").append(List.of("pause", "rollback", "continue").get(rnd.nextInt(3)))
        .append("\",\"order\":\"").append(rnd.nextBoolean() ? "start-first" : "stop-first").append("\"}");
    if (rnd.nextInt(4) == 0) {
      j.append(",\"healthcheck\":{\"test\":[\"CMD\",\"true\"]}");
    }
    return j.append('}').toString();
  }
}
