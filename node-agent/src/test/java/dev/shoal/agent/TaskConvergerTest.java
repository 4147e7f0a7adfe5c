package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.held;
import static dev.shoal.agent.Fixtures.reported;
import static dev.shoal.agent.Fixtures.running;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskConvergerTest {

  private static List<TaskAction> plan(List<Task> assigned, List<RuntimeTask> observed, Map<String, TaskMemory> memory) {
    Map<String, Task> a = new TreeMap<>();
    assigned.forEach(t -> a.put(t.id(), t));
    Map<String, RuntimeTask> o = new TreeMap<>();
    observed.forEach(t -> o.put(t.taskId(), t));
    return TaskConverger.plan(new ConvergeInput(NODE, 99, a, o, memory, Set.of("process")));
  }

  private static TaskStatus onlyReport(List<TaskAction> plan) {
    assertThat(plan).hasSize(1).first().isInstanceOf(TaskAction.Report.class);
    return ((TaskAction.Report) plan.get(0)).status();
  }

  @Test
  void startsAnAssignedTaskTheRuntimeDoesNotHave() {
    Task t = running("t1");
    assertThat(plan(List.of(t), List.of(), Map.of())).containsExactly(new TaskAction.Start(t));
  }

  @Test
  void leavesARunningReportedTaskAlone() {
    assertThat(plan(List.of(running("t1")), List.of(held("t1", RuntimeTask.State.RUNNING)),
        reported("t1", TaskState.RUNNING))).isEmpty();
  }

  @Test
  void reportsRunningWithEndpointAndPortsWhenNotYetReported() {
    TaskStatus s = onlyReport(plan(List.of(running("t1")), List.of(held("t1", RuntimeTask.State.RUNNING)), Map.of()));
    assertThat(s.state()).isEqualTo(TaskState.RUNNING);
    assertThat(s.endpoint()).isEqualTo("127.0.0.1:41000");
    assertThat(s.ports()).extracting(TaskStatus.PortBinding::hostPort).containsExactly(41000);
    assertThat(s.nodeId()).isEqualTo(NODE);
    assertThat(s.timestamp()).isEqualTo(99);
  }

  @Test
  void reportsRunningAgainWhenHealthChanges() {
    RuntimeTask healthy = new RuntimeTask("t1", NODE, "n", "process", RuntimeTask.State.RUNNING, null, null, false,
        "healthy", null, List.of(), null, Duration.ZERO);
    TaskStatus s = onlyReport(plan(List.of(running("t1")), List.of(healthy),
        Map.of("t1", new TaskMemory(TaskState.RUNNING, "starting", false))));
    assertThat(s.state()).isEqualTo(TaskState.RUNNING);
    assertThat(s.health()).isEqualTo("healthy");
  }

  @Test
  void stopsATaskDesiredShutdownWithItsGracePeriod() {
    assertThat(plan(List.of(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING)),
        List.of(held("t1", RuntimeTask.State.RUNNING)), reported("t1", TaskState.RUNNING)))
        .containsExactly(new TaskAction.Stop("t1", Duration.ofSeconds(2)));
  }

  @Test
  void reportsShutdownForATaskStoppedOnRequestAndKeepsItWhileAssigned() {
    TaskStatus s = onlyReport(plan(List.of(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING)),
        List.of(held("t1", RuntimeTask.State.EXITED, 143, true)), reported("t1", TaskState.RUNNING)));
    assertThat(s.state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(s.exitCode()).isEqualTo(143);
  }

  @Test
  void reportsShutdownForATaskDesiredShutdownThatNeverStarted() {
    assertThat(onlyReport(plan(List.of(task("t1", DesiredState.SHUTDOWN, TaskState.ASSIGNED)), List.of(), Map.of()))
        .state()).isEqualTo(TaskState.SHUTDOWN);
  }

  @Test
  void stopsWhatIsNotAssignedAtAll() {
    assertThat(plan(List.of(), List.of(held("orphan", RuntimeTask.State.RUNNING)), Map.of()))
        .containsExactly(new TaskAction.Stop("orphan", Duration.ofSeconds(2)));
  }

  @Test
  void reportsAndRemovesAnUnassignedTaskOnceItEnded() {
    List<TaskAction> p = plan(List.of(), List.of(held("orphan", RuntimeTask.State.EXITED, 143, true)),
        reported("orphan", TaskState.RUNNING));
    assertThat(p).hasSize(2);
    assertThat(((TaskAction.Report) p.get(0)).status().state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(p.get(1)).isEqualTo(new TaskAction.Remove("orphan"));
  }

  @Test
  void removesWithoutReportingWhenAlreadyTerminal() {
    assertThat(plan(List.of(), List.of(held("t1", RuntimeTask.State.EXITED, 0, false)), reported("t1", TaskState.COMPLETE)))
        .containsExactly(new TaskAction.Remove("t1"));
  }

  @Test
  void removesAnEndedTaskDesiredRemove() {
    assertThat(plan(List.of(task("t1", DesiredState.REMOVE, TaskState.SHUTDOWN)),
        List.of(held("t1", RuntimeTask.State.EXITED, 143, true)), Map.of()))
        .containsExactly(new TaskAction.Remove("t1"));
  }

  @Test
  void exitCodeZeroIsComplete() {
    TaskStatus s = onlyReport(plan(List.of(running("t1")), List.of(held("t1", RuntimeTask.State.EXITED, 0, false)),
        reported("t1", TaskState.RUNNING)));
    assertThat(s.state()).isEqualTo(TaskState.COMPLETE);
    assertThat(s.exitCode()).isZero();
  }

  @Test
  void nonZeroExitIsFailedWithCodeAndMessage() {
    TaskStatus s = onlyReport(plan(List.of(running("t1")), List.of(held("t1", RuntimeTask.State.EXITED, 1, false)),
        reported("t1", TaskState.RUNNING)));
    assertThat(s.state()).isEqualTo(TaskState.FAILED);
    assertThat(s.exitCode()).isEqualTo(1);
    assertThat(s.message()).isEqualTo("task exited with code 1");
    assertThat(s.error()).isEqualTo("task exited with code 1");
    assertThat(s.endpoint()).isEqualTo("127.0.0.1:41000");
  }

  @Test
  void neverRestartsATaskThatEnded() {
    assertThat(plan(List.of(running("t1")), List.of(held("t1", RuntimeTask.State.EXITED, 1, false)),
        reported("t1", TaskState.FAILED))).isEmpty();
    // after an agent restart: no memory, no runtime entry, but the assignment knows it ended
    assertThat(plan(List.of(task("t1", DesiredState.RUNNING, TaskState.COMPLETE)), List.of(), Map.of())).isEmpty();
  }

  @Test
  void aStartedTaskTheRuntimeLostIsFailedNotRestarted() {
    TaskStatus s = onlyReport(plan(List.of(task("t1", DesiredState.RUNNING, TaskState.RUNNING)), List.of(), Map.of()));
    assertThat(s.state()).isEqualTo(TaskState.FAILED);
    assertThat(s.error()).contains("no longer runs it");
  }

  @Test
  void adoptsARunningTaskTheAssignmentKnowsAsRunning() {
    assertThat(plan(List.of(task("t1", DesiredState.RUNNING, TaskState.RUNNING)),
        List.of(held("t1", RuntimeTask.State.RUNNING)), Map.of())).isEmpty();
  }

  @Test
  void stopsARunningTaskTheAssignmentKnowsAsEnded() {
    assertThat(plan(List.of(task("t1", DesiredState.RUNNING, TaskState.ORPHANED)),
        List.of(held("t1", RuntimeTask.State.RUNNING)), Map.of()))
        .containsExactly(new TaskAction.Stop("t1", Duration.ofSeconds(2)));
  }

  @Test
  void rejectsATaskNeedingADriverTheNodeLacks() {
    Task t = task("t1", DesiredState.RUNNING, TaskState.ASSIGNED, Fixtures.imageSpec("redis:7"));
    TaskStatus s = onlyReport(plan(List.of(t), List.of(), Map.of()));
    assertThat(s.state()).isEqualTo(TaskState.REJECTED);
    assertThat(s.error()).contains("docker driver");
  }

  @Test
  void startsAPreparedTaskThatWasNotStarted() {
    Task t = running("t1");
    assertThat(plan(List.of(t), List.of(held("t1", RuntimeTask.State.CREATED)), reported("t1", TaskState.PREPARING)))
        .containsExactly(new TaskAction.Start(t));
  }

  @Test
  void leavesBusyTasksAlone() {
    assertThat(plan(List.of(), List.of(held("t1", RuntimeTask.State.RUNNING)),
        Map.of("t1", new TaskMemory(TaskState.RUNNING, null, true)))).isEmpty();
  }

  @Test
  void unknownExitCodeIsFailedWithTheRuntimesReason() {
    RuntimeTask gone = new RuntimeTask("t1", NODE, "n", "process", RuntimeTask.State.EXITED, null,
        "exit code unknown: adopted", false, null, null, List.of(), null, Duration.ZERO);
    TaskStatus s = onlyReport(plan(List.of(task("t1", DesiredState.RUNNING, TaskState.RUNNING)), List.of(gone), Map.of()));
    assertThat(s.state()).isEqualTo(TaskState.FAILED);
    assertThat(s.exitCode()).isNull();
    assertThat(s.error()).isEqualTo("exit code unknown: adopted");
  }

  @Test
  void plansInTaskIdOrder() {
    List<TaskAction> p = plan(List.of(running("b"), running("a"), running("c")), List.of(), Map.of());
    assertThat(p).extracting(TaskAction::taskId).containsExactly("a", "b", "c");
  }

  @Test
  void knownStateIsTheLaterOneAndTerminalWins() {
    assertThat(TaskConverger.known(null, TaskState.ASSIGNED)).isEqualTo(TaskState.ASSIGNED);
    assertThat(TaskConverger.known(TaskState.STARTING, TaskState.RUNNING)).isEqualTo(TaskState.RUNNING);
    assertThat(TaskConverger.known(TaskState.RUNNING, TaskState.ASSIGNED)).isEqualTo(TaskState.RUNNING);
    assertThat(TaskConverger.known(TaskState.FAILED, TaskState.RUNNING)).isEqualTo(TaskState.FAILED);
    assertThat(TaskConverger.known(TaskState.RUNNING, TaskState.ORPHANED)).isEqualTo(TaskState.ORPHANED);
    assertThat(TaskConverger.known(TaskState.REJECTED, TaskState.COMPLETE)).isEqualTo(TaskState.REJECTED);
  }
}
