package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A message reconciles the slots it touched, not its services' other slots: measured by the count
 * of slots the reconcilers looked at ({@link Orchestrator#slotsReconciled}) and by what was decided,
 * on a service of 10,000 replicas over 100 nodes (100 tasks a node).
 */
class SlotScopeTest {
  private static final int NODES = 100;
  private static final int REPLICAS = 10_000;
  private static final long START = 1_000_000;

  private final Orchestrator o = new Orchestrator(new ClusterState(), new Scheduler(), OrchestratorSettings.DEFAULTS);
  private long time = START;

  /** Decides on {@code m} one second after the message before. */
  private Plan decide(ControlMessage m) {
    time += 1_000;
    Plan p = o.plan(m, time);
    o.commit();
    return p;
  }

  /** 100 nodes, and {@code big} with 10,000 replicas placed on them, 100 a node. */
  private Service bigService() {
    for (int i = 0; i < NODES; i++) {
      String id = String.format("n%03d", i);
      decide(new ControlMessage.NodeUp(id, Fixtures.node(id).description(), null));
    }
    decide(new ControlMessage.SpecApplied(Fixtures.spec("{\"name\":\"big\",\"command\":[\"sleep\",\"1\"],\"replicas\":"
        + REPLICAS + ",\"restartPolicy\":{\"condition\":\"any\",\"delay\":\"5s\"}}"), null, "p", "create-big"));
    Service big = o.state().service("big").orElseThrow();
    assertThat(o.state().tasksOf(big.id())).hasSize(REPLICAS).allMatch(t -> t.nodeId() != null);
    assertThat(o.state().tasksOn("n042")).hasSize(REPLICAS / NODES);
    return big;
  }

  private Task inSlot(Service s, int slot) {
    return o.state().tasksInSlot(s.id(), slot).get(0);
  }

  private Plan fail(Task t) {
    return decide(new ControlMessage.TaskStatusReported(TaskStatus.of(t.id(), t.nodeId(), TaskState.FAILED, "exit 1", time)));
  }

  @Test
  void aTaskThatEndsVisitsItsOwnSlotOnly() {
    Service big = bigService();
    Task t = inSlot(big, 4321);
    long before = o.slotsReconciled();

    Plan p = fail(t);

    assertThat(o.slotsReconciled() - before).isEqualTo(1);
    assertThat(p.changes().taskIds()).containsExactly(t.id());
    assertThat(p.changes().restartKeys()).containsExactly(big.id() + "/4321");
    assertThat(p.timers()).containsExactly(new ReconcilePlan.Timer(time + 5_000, "restart", "big"));
  }

  @Test
  void aNodeGoingDownVisitsTheSlotsOfItsTasksOnly() {
    Service big = bigService();
    Set<Integer> slotsOnNode = o.state().tasksOn("n042").stream().map(Task::slot).collect(Collectors.toCollection(TreeSet::new));
    long before = o.slotsReconciled();

    Plan p = decide(new ControlMessage.NodeDown("n042", "test"));

    assertThat(o.slotsReconciled() - before).isEqualTo(100);
    List<Task> created = p.changes().taskIds().stream().map(id -> o.state().task(id).orElseThrow())
        .filter(t -> t.desiredState() == DesiredState.RUNNING).toList();
    assertThat(created).hasSize(100).allMatch(t -> t.nodeId() != null && !t.nodeId().equals("n042"));
    Set<Integer> createdSlots = created.stream().map(Task::slot).collect(Collectors.toCollection(TreeSet::new));
    assertThat(createdSlots).isEqualTo(slotsOnNode);
    assertThat(o.state().tasksOn("n042")).allMatch(t -> t.desiredState() == DesiredState.SHUTDOWN);
    assertThat(p.changes().taskIds()).hasSize(200); // 100 shut down, 100 created: no other task of big changed
  }

  @Test
  void aDrainVisitsTheNodesSlotsOnly() {
    bigService();
    long before = o.slotsReconciled();

    Plan p = decide(new ControlMessage.CommandIssued(new CommandEnvelope(
        new Command.UpdateNode("n007", Node.DRAIN, null, null, null), "p", "drain-7", 0)));

    assertThat(o.slotsReconciled() - before).isEqualTo(100);
    assertThat(p.changes().taskIds()).hasSize(200);
    assertThat(o.state().tasksOn("n007")).allMatch(t -> t.desiredState() == DesiredState.SHUTDOWN);
  }

  @Test
  void aNodeJoiningVisitsItsSlotOfEachGlobalServiceOnly() {
    Service big = bigService();
    decide(new ControlMessage.SpecApplied(Fixtures.spec("{\"name\":\"agent\",\"command\":[\"sleep\",\"1\"],"
        + "\"mode\":\"global\"}"), null, "p", "create-agent"));
    Service agent = o.state().service("agent").orElseThrow();
    assertThat(o.state().tasksOf(agent.id())).hasSize(NODES);
    long before = o.slotsReconciled();

    Plan p = decide(new ControlMessage.NodeUp("n100", Fixtures.node("n100").description(), null));

    assertThat(o.slotsReconciled() - before).isEqualTo(1);
    assertThat(p.changes().taskIds()).hasSize(1);
    Task created = o.state().task(p.changes().taskIds().get(0)).orElseThrow();
    assertThat(created.serviceId()).isEqualTo(agent.id());
    assertThat(created.nodeId()).isEqualTo("n100");
    assertThat(o.state().tasksOf(big.id())).hasSize(REPLICAS);
  }

  @Test
  void aRestartWhoseDelayRanOutIsMadeByTheNextMessageAboutItsService() {
    Service big = bigService();
    Task first = inSlot(big, 10);
    fail(first);
    time += 5_000; // with the next message's second, past the 5 s restart delay; its timer has not fired yet
    Task second = inSlot(big, 20);
    long before = o.slotsReconciled();

    Plan p = fail(second);

    // Slot 10, whose delay ran out, as a whole pass of the service would have; and slot 20.
    assertThat(o.slotsReconciled() - before).isEqualTo(2);
    List<Task> slot10 = o.state().tasksInSlot(big.id(), 10);
    assertThat(slot10).hasSize(2);
    Task replacement = slot10.stream().filter(t -> !t.id().equals(first.id())).findFirst().orElseThrow();
    assertThat(replacement.createdAt()).isEqualTo(time);
    assertThat(o.state().task(first.id()).orElseThrow().desiredState()).isEqualTo(DesiredState.SHUTDOWN);
    assertThat(o.state().tasksInSlot(big.id(), 20)).hasSize(1); // its own delay runs from now
    assertThat(p.changes().restartKeys()).containsExactly(big.id() + "/20");
  }

  @Test
  void aRunningReportVisitsNothing() {
    Service big = bigService();
    Task t = inSlot(big, 77);
    long before = o.slotsReconciled();

    decide(new ControlMessage.TaskStatusReported(TaskStatus.of(t.id(), t.nodeId(), TaskState.RUNNING, "running", time)));

    assertThat(o.slotsReconciled() - before).isZero();
    assertThat(o.state().task(t.id()).orElseThrow().state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aServiceBeingUpdatedIsPacedAsAWhole() {
    Service big = bigService();
    decide(new ControlMessage.SpecApplied(Fixtures.spec("{\"name\":\"big\",\"command\":[\"sleep\",\"2\"],\"replicas\":"
        + REPLICAS + ",\"updateConfig\":{\"parallelism\":1}}"), null, "p", "update-big"));
    Task t = inSlot(big, 500);
    long before = o.slotsReconciled();

    fail(t);

    assertThat(o.slotsReconciled() - before).isEqualTo(REPLICAS);
  }

  @Test
  void slotIndexesFollowTasksThatComeAndGo() {
    Service big = bigService();
    Task t = inSlot(big, 3);
    fail(t);
    time += 5_000;
    decide(new ControlMessage.TimerFired("restart", "big"));
    assertThat(o.state().tasksInSlot(big.id(), 3)).hasSize(2);
    assertThat(o.state().endedWhileWantedOf(big.id())).isEmpty(); // the ended task is told to shut down now

    decide(new ControlMessage.CommandIssued(new CommandEnvelope(new Command.ScaleService("big", 2), "p", "shrink", 0)));
    assertThat(o.state().slotsOf(big.id())).contains(1, 2, 3, REPLICAS);
    decide(new ControlMessage.SpecRemoved("big", "p", "remove-big"));
    assertThat(o.state().slotsOf(big.id())).contains(1, 2, 3); // placed tasks wait for their nodes to stop them
    assertThat(o.state().tasksInSlot(big.id(), 3)).allMatch(x -> x.desiredState() == DesiredState.REMOVE
        || x.state().isTerminal());
    for (Task x : List.copyOf(o.state().tasksOf(big.id()))) {
      decide(new ControlMessage.TaskStatusReported(TaskStatus.of(x.id(), x.nodeId(), TaskState.SHUTDOWN, "stopped", time)));
    }
    assertThat(o.state().tasksOf(big.id())).isEmpty();
    assertThat(o.state().slotsOf(big.id())).isEmpty();
    assertThat(o.state().tasksInSlot(big.id(), 3)).isEmpty();
    assertThat(o.state().endedWhileWantedOf(big.id())).isEmpty();
    assertThat(o.state().taskCountOf(big.id())).isZero();
  }
}
