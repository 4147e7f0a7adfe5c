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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A fenced supervisor against the test double runtime, with operations run inline. */
class TaskSupervisorFencingTest {
  private static final String WHY = "fenced: no contact with Kafka for 6.0s (fencing timeout 6s)";
  private final FakeRuntime runtime = new FakeRuntime("process");
  private final List<TaskStatus> sent = Collections.synchronizedList(new ArrayList<>());
  private final StatusPublisher publisher = new StatusPublisher(s -> {
    sent.add(s);
    return CompletableFuture.completedFuture(null);
  });
  private final TaskSupervisor supervisor = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher,
      Runnable::run, () -> { }, () -> 7);

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

  private TaskStatus last(String taskId) {
    synchronized (sent) {
      return sent.stream().filter(s -> s.taskId().equals(taskId)).reduce((a, b) -> b).orElseThrow();
    }
  }

  private long starts(String taskId) {
    return runtime.calls.stream().filter(c -> c.equals("start " + taskId)).count();
  }

  @Test
  void aFencedNodeStopsEveryTaskAndSaysWhy() {
    assign(running("t1"), running("t2"));
    supervisor.fence(WHY);
    converge();
    for (String id : List.of("t1", "t2")) {
      assertThat(runtime.get(id).state()).isEqualTo(RuntimeTask.State.EXITED);
      assertThat(last(id).state()).isEqualTo(TaskState.SHUTDOWN);
      assertThat(last(id).message()).isEqualTo(WHY);
    }
    // Kept, not removed, while fenced: the runtime still answers for them.
    assertThat(runtime.calls).noneMatch(c -> c.startsWith("remove"));
  }

  @Test
  void nothingStartsWhileFencedButANewTaskIsNotGivenUpEither() {
    supervisor.fence(WHY);
    // Assigned as contact returns: the reader may be back before a heartbeat is acknowledged.
    assign(running("t1"));
    assertThat(starts("t1")).isZero();
    assertThat(sent).isEmpty();
    supervisor.lift();
    converge();
    assertThat(runtime.get("t1").state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(last("t1").state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aShutdownTheOrchestratorAskedForKeepsItsOwnReason() {
    supervisor.fence(WHY);
    assign(task("t1", DesiredState.SHUTDOWN, TaskState.ASSIGNED));
    assertThat(last("t1").state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(last("t1").message()).isEqualTo("shutdown before it started");
  }

  @Test
  void afterTheLiftAStaleAssignmentStartsNothingAgainButANewOneRuns() {
    assign(running("t1"), running("t2"));
    supervisor.fence(WHY);
    converge();
    supervisor.lift();
    // The reader has not caught up yet: the same assignment again.
    assign(running("t1"), running("t2"));
    assertThat(starts("t1")).isEqualTo(1);
    assertThat(starts("t2")).isEqualTo(1);
    // The orchestrator's new assignment: the old tasks shut down, a replacement for this node.
    assign(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING), task("t2", DesiredState.REMOVE, TaskState.SHUTDOWN),
        running("t3"));
    assertThat(runtime.get("t3").state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(last("t3").state()).isEqualTo(TaskState.RUNNING);
    assertThat(runtime.get("t2")).isNull();
    assertThat(last("t1").message()).isEqualTo(WHY);
  }

  @Test
  void tasksAdoptedBeforeAnyAssignmentAreStoppedToo() {
    runtime.holding(held("adopted", RuntimeTask.State.RUNNING));
    assertThat(supervisor.converge()).isZero(); // unfenced, no assignment yet: left alone
    supervisor.fence(WHY);
    converge();
    assertThat(runtime.get("adopted").state()).isEqualTo(RuntimeTask.State.EXITED);
    assertThat(last("adopted").state()).isEqualTo(TaskState.SHUTDOWN);
    assertThat(last("adopted").message()).isEqualTo(WHY);
  }
}
