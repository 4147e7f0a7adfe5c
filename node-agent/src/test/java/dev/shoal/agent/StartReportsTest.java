package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a start reports, quick or slow, with the quiet time's timer in the test's hand. */
class StartReportsTest {
  private static final Duration QUIET = Duration.ofMillis(100);

  private final FakeRuntime runtime = new FakeRuntime("process");
  private final List<TaskStatus> sent = Collections.synchronizedList(new ArrayList<>());
  private final StatusPublisher publisher = new StatusPublisher(s -> {
    sent.add(s);
    return CompletableFuture.completedFuture(null);
  });
  private final List<Runnable> due = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final TaskSupervisor supervisor = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher,
      Runnable::run, () -> { }, () -> 7, Duration.ZERO, StartReports.afterQuiet(publisher, QUIET, (action, after) -> {
        due.add(action);
        delays.add(after);
      }));

  private void quietTimePasses() {
    List<Runnable> now = new ArrayList<>(due);
    due.clear();
    now.forEach(Runnable::run);
  }

  private List<TaskState> states(String taskId) {
    synchronized (sent) {
      return sent.stream().filter(s -> s.taskId().equals(taskId)).map(TaskStatus::state).toList();
    }
  }

  private void converge() {
    for (int i = 0; i < 20 && supervisor.converge() > 0; i++) {
      // until nothing is left to do
    }
  }

  @Test
  void aStartThatEndsWithinTheQuietTimeReportsOnlyThatItRuns() {
    supervisor.assign(List.of(running("t1")));
    converge();
    assertThat(states("t1")).containsExactly(TaskState.RUNNING);
    assertThat(delays).containsExactly(QUIET);
    quietTimePasses(); // the timer rings after the start ended: nothing more to say
    assertThat(states("t1")).containsExactly(TaskState.RUNNING);
  }

  @Test
  void aSlowStepIsReportedOnceTheQuietTimeHasPassedAndEveryStepAfterIt() {
    runtime.onPrepare(this::quietTimePasses); // an image pull outlasting the quiet time
    supervisor.assign(List.of(running("t1")));
    converge();
    assertThat(states("t1")).containsExactly(TaskState.PREPARING, TaskState.STARTING, TaskState.RUNNING);
  }

  @Test
  void aQuickRejectionIsReportedAloneWithItsReason() {
    runtime.rejectOnStart("t1", "cannot start nope: not found");
    supervisor.assign(List.of(running("t1")));
    converge();
    assertThat(states("t1")).containsExactly(TaskState.REJECTED);
    assertThat(sent.get(0).error()).contains("not found");
  }

  @Test
  void everyStepIsReportedAsItHappensWithoutAQuietTime() {
    TaskSupervisor immediate = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher, Runnable::run,
        () -> { }, () -> 7, Duration.ZERO, StartReports.immediate(publisher));
    immediate.assign(List.of(running("t2")));
    for (int i = 0; i < 20 && immediate.converge() > 0; i++) {
      // until nothing is left to do
    }
    assertThat(states("t2")).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING,
        TaskState.RUNNING);
  }
}
