package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.UpdateStatus;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollingUpdateTopologyTest {
  private DriverHarness h;

  private static String web(String version, int replicas, String updateConfig) {
    return "{\"name\":\"web\",\"command\":[\"serve\",\"" + version + "\"],\"replicas\":" + replicas
        + ",\"updateConfig\":" + updateConfig + "}";
  }

  @BeforeEach
  void start() {
    h = new DriverHarness();
    h.heartbeat("n1");
    h.heartbeat("n2");
    h.heartbeat("n3");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** Plays the agents: every assigned task wanted running starts. */
  private void agentsRunEverything() {
    for (Task t : List.copyOf(h.tasks.values())) {
      if (t.desiredState() == DesiredState.RUNNING && t.state() == TaskState.ASSIGNED) {
        h.report(t, TaskState.RUNNING);
      }
      if (t.desiredState() == DesiredState.SHUTDOWN && !t.state().isTerminal() && t.state() != TaskState.NEW
          && t.state() != TaskState.PENDING) {
        h.report(t, TaskState.SHUTDOWN);
      }
    }
  }

  private List<Task> running(String version) {
    return h.runningDesired("web").stream().filter(t -> t.spec().command().contains(version)).toList();
  }

  private void tick(int times, Duration step) {
    for (int i = 0; i < times; i++) {
      h.advance(step);
      h.heartbeat("n1");
      h.heartbeat("n2");
      h.heartbeat("n3");
      agentsRunEverything();
    }
  }

  @Test
  void sixReplicasParallelismTwoGoInThreeGroups() {
    String cfg = "{\"parallelism\":2,\"delay\":\"1s\",\"monitor\":\"2s\"}";
    h.spec("web", web("v1", 6, cfg));
    agentsRunEverything();
    h.spec("web", web("v2", 6, cfg));
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.UPDATING);
    agentsRunEverything();
    assertThat(running("v2")).hasSize(2);
    assertThat(running("v1")).hasSize(4);
    tick(40, Duration.ofMillis(250));
    assertThat(running("v2")).hasSize(6);
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.COMPLETED);
    TreeMap<Long, List<Integer>> groups = h.tasksOf("web").stream().filter(t -> t.spec().command().contains("v2"))
        .collect(Collectors.groupingBy(Task::createdAt, TreeMap::new, Collectors.mapping(Task::slot, Collectors.toList())));
    assertThat(groups.values()).extracting(List::size).containsExactly(2, 2, 2);
    List<Long> starts = List.copyOf(groups.keySet());
    // Each group waits for the monitor (2 s) plus the delay (1 s) after the previous one.
    assertThat(starts.get(1) - starts.get(0)).isBetween(3000L, 3500L);
    assertThat(starts.get(2) - starts.get(1)).isBetween(3000L, 3500L);
    assertThat(h.tasksOf("web")).filteredOn(t -> t.spec().command().contains("v1"))
        .allMatch(t -> t.desiredState() == DesiredState.SHUTDOWN);
  }

  @Test
  void aFailingNewTaskPausesTheUpdateAndOldTasksKeepServing() {
    String cfg = "{\"parallelism\":1,\"monitor\":\"2s\",\"failureAction\":\"pause\"}";
    h.spec("web", web("v1", 3, cfg));
    agentsRunEverything();
    h.spec("web", web("bad", 3, cfg));
    Task fresh = running("bad").get(0);
    h.report(fresh, TaskState.RUNNING);
    h.report(fresh, TaskState.FAILED, 1);
    UpdateStatus st = h.service("web").updateStatus();
    assertThat(st.state()).isEqualTo(UpdateStatus.PAUSED);
    assertThat(st.message()).isEqualTo("update paused due to failure or early termination of task " + fresh.id());
    tick(20, Duration.ofMillis(500));
    assertThat(running("v1")).hasSize(2);
    // A new spec resumes.
    h.spec("web", web("v3", 3, cfg));
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.UPDATING);
    tick(40, Duration.ofMillis(250));
    assertThat(running("v3")).hasSize(3);
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.COMPLETED);
  }

  @Test
  void failureActionRollbackReturnsToTheOldSpec() {
    String cfg = "{\"parallelism\":1,\"monitor\":\"2s\",\"failureAction\":\"rollback\"}";
    h.spec("web", web("v1", 3, cfg));
    agentsRunEverything();
    h.spec("web", web("bad", 3, cfg));
    Task fresh = running("bad").get(0);
    h.report(fresh, TaskState.FAILED, 1);
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    tick(40, Duration.ofMillis(250));
    assertThat(h.service("web").spec().command()).contains("v1");
    assertThat(running("v1")).hasSize(3);
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.ROLLBACK_COMPLETED);
  }

  @Test
  void startFirstKeepsTheOldTaskUntilTheNewOneRuns() {
    String cfg = "{\"parallelism\":1,\"monitor\":\"1s\",\"order\":\"start-first\"}";
    h.spec("web", web("v1", 2, cfg));
    agentsRunEverything();
    h.spec("web", web("v2", 2, cfg));
    assertThat(running("v1")).hasSize(2);
    assertThat(running("v2")).hasSize(1);
    Task fresh = running("v2").get(0);
    h.report(fresh, TaskState.RUNNING);
    assertThat(running("v1")).hasSize(1);
    for (int i = 0; i < 30; i++) {
      assertThat(h.runningDesired("web").stream().filter(t -> t.state() == TaskState.RUNNING).count())
          .isGreaterThanOrEqualTo(2);
      tick(1, Duration.ofMillis(250));
    }
    assertThat(running("v2")).hasSize(2);
  }

  @Test
  void startFirstWithAHealthCheckKeepsTheOldTaskUntilTheNewOneIsHealthy() {
    String cfg = "{\"parallelism\":0,\"monitor\":\"1s\",\"order\":\"start-first\"}";
    String hc = ",\"image\":\"local/busybox:1\",\"healthcheck\":{\"test\":[\"CMD\",\"true\"]}}";
    h.spec("web", web("v1", 2, cfg).replaceFirst("}$", hc));
    for (Task t : List.copyOf(h.tasks.values())) {
      h.report(t, TaskState.RUNNING);
      h.reportHealth(h.tasks.get(t.id()), "healthy");
    }
    h.spec("web", web("v2", 2, cfg).replaceFirst("}$", hc));
    List<Task> fresh = running("v2");
    assertThat(fresh).hasSize(2);
    for (Task t : fresh) {
      h.report(t, TaskState.RUNNING);
    }
    tick(4, Duration.ofMillis(250));
    assertThat(running("v1")).as("running but not healthy yet: the old tasks still serve").hasSize(2);

    h.reportHealth(h.tasks.get(fresh.get(0).id()), "healthy");
    assertThat(running("v1")).as("one replacement healthy: its slot's old task goes").hasSize(1);
    h.reportHealth(h.tasks.get(fresh.get(1).id()), "healthy");
    assertThat(running("v1")).isEmpty();
    assertThat(running("v2")).hasSize(2);
  }

  @Test
  void aStoppingTaskKeepsItsHostPortUntilItHasEnded() {
    // Three nodes, three replicas each holding host port 8080: a stop-first replacement has nowhere
    // to go until the old task's node reports it ended (Swarm's scheduler books it until then too).
    String cfg = "{\"parallelism\":1,\"monitor\":\"1s\"}";
    String port = ",\"ports\":[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]}";
    h.spec("web", web("v1", 3, cfg).replaceFirst("}$", port));
    agentsRunEverything();
    assertThat(running("v1")).hasSize(3).allMatch(t -> t.state() == TaskState.RUNNING);

    h.spec("web", web("v2", 3, cfg).replaceFirst("}$", port));
    List<Task> fresh = running("v2");
    assertThat(fresh).hasSize(1);
    assertThat(fresh.get(0).nodeId()).as("port 8080 is held on every node, by a running or a stopping task").isNull();
    Task stopping = h.tasks.values().stream()
        .filter(t -> t.desiredState() == DesiredState.SHUTDOWN && t.state() == TaskState.RUNNING)
        .findFirst().orElseThrow();

    h.report(stopping, TaskState.SHUTDOWN);
    Task placed = h.tasks.get(fresh.get(0).id());
    assertThat(placed.nodeId()).isEqualTo(stopping.nodeId());
    assertThat(placed.state()).isEqualTo(TaskState.ASSIGNED);
  }

  @Test
  void manualRollback() {
    String cfg = "{\"parallelism\":0,\"monitor\":\"1s\"}";
    h.spec("web", web("v1", 2, cfg));
    agentsRunEverything();
    h.spec("web", web("v2", 2, cfg));
    tick(10, Duration.ofMillis(250));
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.COMPLETED);
    h.command(new CommandEnvelope(new Command.RollbackService("web"), "alice", "r101", 0));
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.ROLLBACK_STARTED);
    // The rollback config is Swarm's default: one task at a time, each watched for 5 s.
    tick(60, Duration.ofMillis(250));
    assertThat(running("v1")).hasSize(2);
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.ROLLBACK_COMPLETED);
  }

  @Test
  void aTaskWithAHealthCheckCountsOnlyOnceHealthyAndUnhealthyPauses() {
    String cfg = "{\"parallelism\":1,\"monitor\":\"1s\"}";
    String hc = ",\"image\":\"local/busybox:1\",\"healthcheck\":{\"test\":[\"CMD\",\"true\"]}";
    h.spec("web", web("v1", 2, cfg));
    agentsRunEverything();
    h.spec("web", web("v2", 2, cfg).substring(0, web("v2", 2, cfg).length() - 1) + hc + "}");
    Task first = running("v2").get(0);
    h.report(first, TaskState.RUNNING);
    for (int i = 0; i < 12; i++) {
      h.advance(Duration.ofMillis(250));
      h.heartbeat("n1");
      h.heartbeat("n2");
      h.heartbeat("n3");
    }
    assertThat(running("v2")).as("no healthy report yet: the update waits").hasSize(1);
    h.reportHealth(h.tasks.get(first.id()), "healthy");
    tick(12, Duration.ofMillis(250));
    assertThat(running("v2")).hasSize(2);
    Task second = running("v2").stream().filter(t -> !t.id().equals(first.id())).findFirst().orElseThrow();
    h.reportHealth(h.tasks.get(second.id()), "unhealthy");
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.PAUSED);
    assertThat(h.events).anyMatch(e -> e.type().equals("task.unhealthy"));
  }
}
