package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.held;
import static dev.shoal.agent.Fixtures.running;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Convergence end to end against the test double runtime, with operations run inline. */
class TaskSupervisorTest {
  private final FakeRuntime runtime = new FakeRuntime("process");
  private final List<TaskStatus> sent = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger passRequests = new AtomicInteger();
  private final StatusPublisher publisher = new StatusPublisher(s -> {
    sent.add(s);
    return CompletableFuture.completedFuture(null);
  });
  private final TaskSupervisor supervisor = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher,
      Runnable::run, passRequests::incrementAndGet, () -> 7);

  private void assign(Task... tasks) {
    supervisor.assign(List.of(tasks));
    converge();
  }

  private void converge() {
    for (int i = 0; i < 20; i++) {
      if (supervisor.converge() == 0) {
        return;
      }
    }
    throw new AssertionError("no steady state after 20 passes");
  }

  private List<TaskState> states(String taskId) {
    synchronized (sent) {
      return sent.stream().filter(s -> s.taskId().equals(taskId)).map(TaskStatus::state).toList();
    }
  }

  private TaskStatus last(String taskId) {
    synchronized (sent) {
      return sent.stream().filter(s -> s.taskId().equals(taskId)).reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void startsAssignedTasksReportingEveryStep() {
    assign(running("t1"), running("t2"));
    for (String id : List.of("t1", "t2")) {
      assertThat(states(id)).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING);
      assertThat(runtime.get(id).state()).isEqualTo(RuntimeTask.State.RUNNING);
      assertThat(last(id).endpoint()).isEqualTo(runtime.get(id).endpoint());
      assertThat(last(id).ports()).hasSize(1);
      assertThat(last(id).nodeId()).isEqualTo(NODE);
    }
    assertThat(passRequests.get()).isPositive();
  }

  @Test
  void doesNothingUntilTheFirstAssignmentIsKnown() {
    runtime.holding(held("adopted", RuntimeTask.State.RUNNING));
    assertThat(supervisor.converge()).isZero();
    assertThat(runtime.calls).isEmpty();
    supervisor.assign(null); // a tombstone: the empty set
    converge();
    assertThat(runtime.calls).containsExactly("stop adopted 2000", "remove adopted");
    assertThat(states("adopted")).containsExactly(TaskState.SHUTDOWN);
  }

  @Test
  void reportsExitAndNeverRestarts() {
    assign(running("t1"), running("t2"));
    runtime.exit("t1", 3);
    runtime.exit("t2", 0);
    converge();
    assertThat(last("t1").state()).isEqualTo(TaskState.FAILED);
    assertThat(last("t1").exitCode()).isEqualTo(3);
    assertThat(last("t1").message()).isEqualTo("task exited with code 3");
    assertThat(last("t2").state()).isEqualTo(TaskState.COMPLETE);
    assign(running("t1"), running("t2")); // the same assignment again, level-triggered
    assertThat(runtime.calls).filteredOn(c -> c.startsWith("start")).hasSize(2);
    assertThat(runtime.get("t1").state()).isEqualTo(RuntimeTask.State.EXITED);
  }

  @Test
  void stopsAndRemovesWhatLeavesTheAssignment() {
    assign(running("t1"), running("t2"));
    assign(running("t1"));
    assertThat(last("t2").state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(runtime.get("t2")).isNull();
    assertThat(runtime.calls).contains("stop t2 1000", "remove t2");
    assertThat(runtime.get("t1").state()).isEqualTo(RuntimeTask.State.RUNNING);
  }

  @Test
  void stopsATaskDesiredShutdownAndKeepsItUntilRemoved() {
    assign(running("t1"));
    assign(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING));
    assertThat(last("t1").state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(runtime.get("t1").state()).isEqualTo(RuntimeTask.State.EXITED);
    assign(task("t1", DesiredState.REMOVE, TaskState.SHUTDOWN));
    assertThat(runtime.get("t1")).isNull();
    assertThat(states("t1")).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING,
        TaskState.RUNNING, TaskState.SHUTDOWN);
  }

  @Test
  void rejectedTasksAreReportedWithTheReasonAndNotRetried() {
    runtime.rejectOnPrepare("t1", "no such directory").rejectOnStart("t2", "cannot start nope: not found");
    assign(running("t1"), running("t2"));
    assign(running("t1"), running("t2"));
    assertThat(last("t1").state()).isEqualTo(TaskState.REJECTED);
    assertThat(last("t1").error()).isEqualTo("no such directory");
    assertThat(states("t2")).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING,
        TaskState.REJECTED);
    assertThat(last("t2").error()).contains("not found");
    assertThat(runtime.calls).filteredOn(c -> c.startsWith("prepare")).hasSize(2);
  }

  @Test
  void adoptsAssignedTasksAndStopsOrphansAfterARestart() {
    runtime.holding(held("kept", RuntimeTask.State.RUNNING)).holding(held("orphan", RuntimeTask.State.RUNNING));
    assign(task("kept", DesiredState.RUNNING, TaskState.RUNNING));
    assertThat(states("kept")).isEmpty();
    assertThat(runtime.get("kept").state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(runtime.get("orphan")).isNull();
    assertThat(runtime.calls).containsExactly("stop orphan 2000", "remove orphan");
    runtime.exit("kept", null);
    converge();
    assertThat(last("kept").state()).isEqualTo(TaskState.FAILED);
  }

  @Test
  void ignoresTasksOfOtherNodes() {
    // The runtime hands back another node's tasks too: the supervisor itself must leave them alone.
    runtime.listingEveryNode()
        .holding(new RuntimeTask("other", "node2", "n", "process", RuntimeTask.State.RUNNING, null, null, false,
            null, null, List.of(), null, Duration.ZERO))
        .holding(new RuntimeTask("other-ended", "node2", "n", "process", RuntimeTask.State.EXITED, 1, null, false,
            null, null, List.of(), null, Duration.ZERO));
    assign(running("t1"));
    assertThat(runtime.calls).noneMatch(c -> c.contains("other"));
    assertThat(sent).noneMatch(s -> s.taskId().startsWith("other"));
    assertThat(runtime.get("other").state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(new Runtimes(List.of(runtime)).runningTaskIds(NODE)).containsExactly("t1");
  }

  @Test
  void shutdownStopsEveryTaskAndReportsIt() {
    assign(running("t1"), running("t2"));
    runtime.exit("t2", 0);
    converge();
    supervisor.shutdown("node agent shutting down", Duration.ofSeconds(1));
    assertThat(last("t1").state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(last("t1").message()).isEqualTo("node agent shutting down");
    assertThat(last("t2").state()).isEqualTo(TaskState.COMPLETE);
    assertThat(runtime.get("t1").state()).isEqualTo(RuntimeTask.State.EXITED);
    assign(running("t3"));
    assertThat(runtime.get("t3")).isNull(); // no pass after shutdown
  }
}
