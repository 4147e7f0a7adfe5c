package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Random clusters and random sequences of inputs: after each input the invariants of DESIGN.md
 * hold — no node over-committed, no host port double-booked, exactly N slots 1..N for replicated
 * services (when nodes can take them), a task never changes node.
 */
class ReconcilerPropertyTest {

  @RepeatedTest(40)
  void invariantsHoldForRandomInputs(RepetitionInfo info) {
    Random rnd = new Random(info.getCurrentRepetition());
    Orchestrator o = new Orchestrator(new ClusterState(), new Scheduler(), OrchestratorSettings.DEFAULTS);
    long time = 0;
    long pos = 0;
    int nodeCount = 2 + rnd.nextInt(4);
    for (int i = 0; i < nodeCount; i++) {
      o.plan(new ControlMessage.NodeUp("n" + i, Fixtures.node("n" + i, Map.of(), 2 + rnd.nextInt(3), (2L + rnd.nextInt(4)) << 30)
          .description(), null), time++, pos++);
      o.commit();
    }
    Map<String, String> placedOn = new HashMap<>();
    for (int step = 0; step < 60; step++) {
      ControlMessage m = randomMessage(rnd, o, nodeCount);
      o.plan(m, time += 1000, pos++);
      o.commit();
      checkInvariants(o.state(), placedOn);
    }
  }

  private static ControlMessage randomMessage(Random rnd, Orchestrator o, int nodeCount) {
    String svc = "s" + rnd.nextInt(3);
    switch (rnd.nextInt(7)) {
      case 0, 1: {
        String reservation = rnd.nextBoolean() ? ",\"resources\":{\"reservations\":{\"cpus\":0.5,\"memory\":\"512M\"}}" : "";
        String port = rnd.nextInt(4) == 0 ? ",\"ports\":[{\"target\":80,\"published\":9000,\"mode\":\"host\"}]" : "";
        return new ControlMessage.SpecApplied(Fixtures.spec("{\"name\":\"" + svc + "\",\"command\":[\"v" + rnd.nextInt(2)
            + "\"],\"replicas\":" + rnd.nextInt(6) + reservation + port + "}"), null, "p", "r" + rnd.nextLong());
      }
      case 2:
        return new ControlMessage.CommandIssued(new CommandEnvelope(new Command.ScaleService(svc, rnd.nextInt(7)), "p", "r" + rnd.nextLong(), 0));
      case 3: {
        List<Task> tasks = new ArrayList<>(o.state().tasks());
        if (!tasks.isEmpty()) {
          Task t = tasks.get(rnd.nextInt(tasks.size()));
          TaskState[] states = {TaskState.RUNNING, TaskState.FAILED, TaskState.COMPLETE};
          return new ControlMessage.TaskStatusReported(TaskStatus.of(t.id(), t.nodeId(), states[rnd.nextInt(3)], "x", 0));
        }
        return new ControlMessage.TimerFired("restart", svc);
      }
      case 4:
        return rnd.nextBoolean() ? new ControlMessage.NodeDown("n" + rnd.nextInt(nodeCount), "test")
            : new ControlMessage.NodeUp("n" + rnd.nextInt(nodeCount),
                Fixtures.node("x", Map.of(), 4, 8L << 30).description(), null);
      case 5:
        return new ControlMessage.CommandIssued(new CommandEnvelope(new Command.UpdateNode("n" + rnd.nextInt(nodeCount),
            List.of(Node.ACTIVE, Node.PAUSE, Node.DRAIN).get(rnd.nextInt(3)), null, null, null), "p", "r" + rnd.nextLong(), 0));
      default:
        return new ControlMessage.TimerFired("restart", svc);
    }
  }

  private static void checkInvariants(ClusterState state, Map<String, String> placedOn) {
    for (Task t : state.tasks()) {
      if (t.nodeId() != null && t.slot() != null) {
        String before = placedOn.putIfAbsent(t.id(), t.nodeId());
        assertThat(before == null || before.equals(t.nodeId())).as("task %s never changes node", t.id()).isTrue();
      }
    }
    for (Node n : state.nodes()) {
      NodeResources used = NodeResources.NONE;
      List<String> ports = new ArrayList<>();
      for (Task t : state.tasksOn(n.id())) {
        if (ClusterState.isActive(t) && t.state().ordinal() >= TaskState.ASSIGNED.ordinal()) {
          used = used.plus(NodeInfo.reservationOf(t.spec()));
          t.spec().ports().stream().filter(p -> p.booksHostPort()).forEach(p -> ports.add(NodeInfo.portKey(p)));
        }
      }
      NodeResources total = n.description().resources();
      assertThat(used.cpus()).as("cpu on %s", n.id()).isLessThanOrEqualTo(total.cpus() + 1e-9);
      assertThat(used.memoryBytes()).as("memory on %s", n.id()).isLessThanOrEqualTo(total.memoryBytes());
      assertThat(ports).as("host ports on %s", n.id()).doesNotHaveDuplicates();
    }
    for (Service s : state.services()) {
      List<Integer> slots = state.tasksOf(s.id()).stream()
          .filter(t -> t.desiredState() == DesiredState.RUNNING && !t.state().isTerminal())
          .map(Task::slot).sorted().toList();
      assertThat(slots).as("slots of %s", s.name()).doesNotHaveDuplicates();
      assertThat(slots).as("slots of %s", s.name()).allMatch(slot -> slot >= 1 && slot <= s.spec().replicas());
      long deadHolding = state.tasksOf(s.id()).stream()
          .filter(t -> t.desiredState() == DesiredState.RUNNING && t.state().isTerminal()).map(Task::slot).distinct().count();
      assertThat(slots.size() + deadHolding).as("every slot of %s is served or waits for a restart", s.name())
          .isGreaterThanOrEqualTo(s.spec().replicas());
    }
  }
}
