package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrchestratorTopologyTest {
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":5}";
  private DriverHarness h;

  @BeforeEach
  void start() {
    h = new DriverHarness();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private void threeNodes() {
    h.heartbeat("n1");
    h.heartbeat("n2");
    h.heartbeat("n3");
  }

  @Test
  void heartbeatsRegisterNodesOnce() {
    threeNodes();
    h.heartbeat("n1");
    assertThat(h.nodes).hasSize(3);
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
    assertThat(h.nodes.get("n1").availability()).isEqualTo(Node.ACTIVE);
    assertThat(h.eventTypes()).containsExactly("node.joined", "node.joined", "node.joined");
  }

  @Test
  void fiveReplicasSpreadTwoTwoOne() {
    threeNodes();
    h.spec("web", WEB);
    assertThat(h.service("web").version()).isEqualTo(1);
    List<Task> tasks = h.tasksOf("web");
    assertThat(tasks).hasSize(5).allMatch(t -> t.state() == TaskState.ASSIGNED);
    assertThat(tasks.stream().map(Task::slot).sorted().toList()).containsExactly(1, 2, 3, 4, 5);
    Map<String, Long> perNode = tasks.stream().collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
    assertThat(perNode.values()).containsExactlyInAnyOrder(2L, 2L, 1L);
    assertThat(h.assignments.values()).filteredOn(a -> a.task() != null).hasSize(5)
        .allMatch(a -> a.task().nodeId().equals(a.nodeId()));
  }

  @Test
  void scaleDownKeepsSlotsOneAndTwo() {
    threeNodes();
    h.spec("web", WEB);
    h.command(new CommandEnvelope(new Command.ScaleService("web", 2), "alice", "r1", 0));
    assertThat(h.service("web").version()).isEqualTo(2);
    assertThat(h.runningDesired("web")).extracting(Task::slot).containsExactlyInAnyOrder(1, 2);
    assertThat(h.tasksOf("web").stream().filter(t -> t.desiredState() == DesiredState.SHUTDOWN))
        .extracting(Task::slot).containsExactlyInAnyOrder(3, 4, 5);
    h.command(new CommandEnvelope(new Command.ScaleService("web", 4), "alice", "r2", 0));
    assertThat(h.runningDesired("web")).extracting(Task::slot).containsExactlyInAnyOrder(1, 2, 3, 4);
  }

  @Test
  void taskStatusMovesForwardOnly() {
    threeNodes();
    h.spec("web", WEB.replace("5", "1"));
    Task t = h.tasksOf("web").get(0);
    h.report(t, TaskState.RUNNING);
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.RUNNING);
    assertThat(h.tasks.get(t.id()).status().endpoint()).isEqualTo("127.0.0.1:1");
    h.report(t, TaskState.STARTING);
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aFailedTaskIsReplacedAfterTheRestartDelay() {
    threeNodes();
    h.spec("web", "{\"name\":\"web\",\"command\":[\"false\"],\"replicas\":1,\"restartPolicy\":{\"delay\":\"2s\"}}");
    Task first = h.tasksOf("web").get(0);
    h.report(first, TaskState.RUNNING);
    h.report(first, TaskState.FAILED, 1);
    assertThat(h.runningDesired("web")).isEmpty();
    h.advance(Duration.ofSeconds(1));
    assertThat(h.runningDesired("web")).isEmpty();
    h.advance(Duration.ofSeconds(2));
    assertThat(h.runningDesired("web")).hasSize(1).allMatch(t -> t.slot() == 1 && !t.id().equals(first.id()));
    assertThat(h.tasks.get(first.id()).desiredState()).isEqualTo(DesiredState.SHUTDOWN);
  }

  @Test
  void onFailureWithMaxAttemptsGivesUp() {
    threeNodes();
    h.spec("job", "{\"name\":\"job\",\"command\":[\"false\"],\"replicas\":1,"
        + "\"restartPolicy\":{\"condition\":\"on-failure\",\"delay\":\"0s\",\"maxAttempts\":3}}");
    for (int i = 0; i < 4; i++) {
      Task t = h.runningDesired("job").get(0);
      h.report(t, TaskState.FAILED, 1);
      h.advance(Duration.ofMillis(300));
    }
    assertThat(h.tasksOf("job")).hasSize(4).allMatch(t -> t.state() == TaskState.FAILED);
    assertThat(h.runningDesired("job")).isEmpty();
    assertThat(h.events).anyMatch(e -> e.type().equals("task.not-restarted") && e.message().contains("3 of 3"));
  }

  @Test
  void whenEveryNodeFallsSilentLivenessBlamesItselfAndDeclaresNobodyDown() {
    threeNodes();
    h.spec("web", WEB.replace("5", "3"));
    h.advance(Duration.ofSeconds(10)); // liveness read nothing: stalled, or Kafka is
    assertThat(h.nodes.values()).allMatch(n -> n.status().equals(Node.READY));
    assertThat(h.runningDesired("web")).hasSize(3);
    assertThat(h.eventTypes()).contains("liveness.stalled");
    // once heartbeats flow again (n1's first one is at +10.5 s, seen by the check at +11 s), every
    // node gets a fresh 3 s from the newest heartbeat: n2 is not down at the check at +14 s (3 s)...
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n1");
    }
    assertThat(h.eventTypes()).contains("liveness.resumed");
    assertThat(h.nodes.get("n2").status()).isEqualTo(Node.READY);
    // ...and, still silent, is declared down as usual at the next one (3.5 s)
    h.advance(Duration.ofMillis(500));
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
    assertThat(h.nodes.get("n2").status()).isEqualTo(Node.DOWN);
  }

  @Test
  void silentNodeGoesDownAndItsTasksMove() {
    threeNodes();
    h.spec("web", WEB.replace("5", "3"));
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n1");
      h.heartbeat("n2");
    }
    assertThat(h.nodes.get("n3").status()).isEqualTo(Node.DOWN);
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
    assertThat(h.runningDesired("web")).hasSize(3).noneMatch(t -> t.nodeId().equals("n3"));
    assertThat(h.tasksOf("web")).anyMatch(t -> t.nodeId().equals("n3") && t.desiredState() == DesiredState.SHUTDOWN);
    h.heartbeat("n3");
    assertThat(h.nodes.get("n3").status()).isEqualTo(Node.READY);
  }

  @Test
  void taskThatFitsNowhereStaysPendingWithTheReason() {
    h.heartbeat("n1", List.of("process"), new NodeResources(1, 1L << 30));
    h.spec("big", "{\"name\":\"big\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"memory\":\"2G\"}}}");
    Task t = h.tasksOf("big").get(0);
    assertThat(t.state()).isEqualTo(TaskState.PENDING);
    assertThat(t.status().message()).isEqualTo("no suitable node (insufficient memory on 1 node)");
    h.spec("img", "{\"name\":\"img\",\"image\":\"busybox\"}");
    assertThat(h.tasksOf("img").get(0).status().message()).isEqualTo("no suitable node (no docker driver on 1 node)");
  }

  @Test
  void globalServiceRunsOnEveryNode() {
    threeNodes();
    h.spec("agent", "{\"name\":\"agent\",\"command\":[\"x\"],\"mode\":\"global\"}");
    assertThat(h.runningDesired("agent")).extracting(Task::nodeId).containsExactlyInAnyOrder("n1", "n2", "n3");
    h.heartbeat("n4");
    assertThat(h.runningDesired("agent")).hasSize(4);
  }

  @Test
  void drainMovesTasksAndConstraintsFollowLabels() {
    threeNodes();
    h.spec("web", WEB.replace("5", "3"));
    h.command(new CommandEnvelope(new Command.UpdateNode("n1", "drain", null, null, null), "ops", "r101", 0));
    assertThat(h.runningDesired("web")).hasSize(3).noneMatch(t -> t.nodeId().equals("n1"));
    h.command(new CommandEnvelope(new Command.UpdateNode("n2", null, null, Map.of("zone", "a"), null), "ops", "r102", 0));
    h.spec("zoned", "{\"name\":\"zoned\",\"command\":[\"x\"],\"replicas\":2,\"placement\":{\"constraints\":[\"node.labels.zone==a\"]}}");
    assertThat(h.runningDesired("zoned")).extracting(Task::nodeId).containsOnly("n2");
  }

  @Test
  void removingAServiceKeepsItsTasksVisibleUntilTheirAgentsReportThemGone() {
    threeNodes();
    h.spec("web", WEB);
    h.spec("web", null);
    assertThat(h.services).isEmpty();
    assertThat(h.eventTypes()).contains("service.removed");
    // Nothing runs that the API does not show: the tasks stay, desired REMOVE, in the assignments too.
    assertThat(h.tasks.values()).hasSize(5).allMatch(t -> t.desiredState() == DesiredState.REMOVE);
    assertThat(h.assignments.values()).filteredOn(a -> a.task() != null).hasSize(5);
    for (Task t : List.copyOf(h.tasks.values())) {
      h.report(t, TaskState.SHUTDOWN, 0);
    }
    assertThat(h.tasks).isEmpty();
    assertThat(h.assignments.values()).noneMatch(a -> a.task() != null);
  }

  @Test
  void templateChangeReplacesTasksButScaleDoesNot() {
    threeNodes();
    h.spec("web", WEB.replace("5", "2"));
    List<String> before = h.runningDesired("web").stream().map(Task::id).toList();
    h.command(new CommandEnvelope(new Command.ScaleService("web", 2), "a", "r103", 0));
    h.spec("web", "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":3}");
    assertThat(h.runningDesired("web").stream().map(Task::id)).containsAll(before);
    h.spec("web", "{\"name\":\"web\",\"command\":[\"sleep\",\"2000\"],\"replicas\":3,\"updateConfig\":{\"parallelism\":0}}");
    assertThat(h.runningDesired("web")).hasSize(3).noneMatch(t -> before.contains(t.id()))
        .allMatch(t -> t.spec().command().contains("2000"));
  }

  @Test
  void badInputBecomesRejectionEventsAndTheStreamGoesOn() {
    threeNodes();
    h.spec("web", "{not json");
    h.spec("bad", "{\"name\":\"bad\",\"replicas\":-1,\"command\":[\"x\"]}");
    h.spec("other", WEB);
    h.rawCommand("web", "nonsense");
    h.rawCommand("web", "{\"command\":{\"type\":\"explode\"}}");
    h.command(new CommandEnvelope(new Command.ScaleService("ghost", 1), "a", "r104", 0));
    h.spec("web", WEB);
    assertThat(h.eventTypes()).filteredOn(t -> t.endsWith("rejected")).hasSize(6);
    assertThat(h.events).anyMatch(e -> e.type().equals("spec.rejected") && e.message().contains("malformed JSON"));
    assertThat(h.events).anyMatch(e -> e.message().contains("$.replicas"));
    assertThat(h.events).anyMatch(e -> e.message().contains("does not match the spec name"));
    assertThat(h.events).anyMatch(e -> e.message().equals("service ghost not found"));
    assertThat(h.service("web").version()).isEqualTo(1);
  }

  @Test
  void nodeCommandsWithUnknownValuesAreRefused() {
    threeNodes();
    h.command(new CommandEnvelope(new Command.UpdateNode("n1", "banana", null, null, null), "a", "r105", 0));
    h.command(new CommandEnvelope(new Command.UpdateNode("n1", null, "king", null, null), "a", "r106", 0));
    assertThat(h.nodes.get("n1").availability()).isEqualTo(Node.ACTIVE);
    assertThat(h.events).anyMatch(e -> e.message().equals("availability must be active, pause or drain, not \"banana\""));
    assertThat(h.events).anyMatch(e -> e.message().equals("role must be worker or manager, not \"king\""));
  }

  @Test
  void staleVersionIsRefused() {
    threeNodes();
    h.spec("web", WEB);
    h.specWithVersion("web", WEB.replace("5", "4"), 7);
    assertThat(h.service("web").version()).isEqualTo(1);
    assertThat(h.events).anyMatch(e -> e.message().startsWith("version 7 is stale: the service is at version 1")
        && "conflict".equals(e.attributes().get("code")));
    h.specWithVersion("web", WEB.replace("5", "4"), 1);
    assertThat(h.service("web").version()).isEqualTo(2);
  }

  @Test
  void theSameInputGivesTheSameOutput() {
    Function<DriverHarness, String> run = d -> {
      d.heartbeat("n1");
      d.heartbeat("n2");
      d.spec("web", WEB);
      d.spec("g", "{\"name\":\"g\",\"command\":[\"x\"],\"mode\":\"global\"}");
      d.command(new CommandEnvelope(new Command.ScaleService("web", 3), "a", "r107", 0));
      d.report(d.runningDesired("web").get(0), TaskState.FAILED, 2);
      d.advance(Duration.ofSeconds(6));
      return d.tasks.toString() + d.assignments + d.services;
    };
    String first;
    try (DriverHarness a = new DriverHarness()) {
      first = run.apply(a);
    }
    String second = run.apply(h);
    assertThat(second).isEqualTo(first);
    assertThat(first).contains("web");
  }
}
