package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Assignment;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A runtime whose engine stops answering: its tasks are left alone, the others go on, nothing is guessed. */
class TaskSupervisorEngineAwayTest {
  private final FakeRuntime docker = new FakeRuntime(Drivers.DOCKER);
  private final FakeRuntime process = new FakeRuntime(Drivers.PROCESS);
  private final Away away = new Away(docker);
  private final List<TaskStatus> sent = Collections.synchronizedList(new ArrayList<>());
  private final StatusPublisher publisher = new StatusPublisher(s -> {
    sent.add(s);
    return CompletableFuture.completedFuture(null);
  });
  private final Runtimes runtimes = new Runtimes(List.of(away, process));
  private final TaskSupervisor supervisor = new TaskSupervisor(NODE, runtimes, publisher, Runnable::run, () -> { },
      () -> 7);

  private static Task container(String id) {
    return task(id, DesiredState.RUNNING, TaskState.ASSIGNED, Fixtures.imageSpec("local/busybox:1"));
  }

  private static Task proc(String id) {
    return task(id, DesiredState.RUNNING, TaskState.ASSIGNED);
  }

  private void assign(Task... tasks) {
    supervisor.assign(List.of(tasks));
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

  @Test
  void leavesTheTasksOfARuntimeThatDoesNotAnswerAloneUntilItDoes() {
    assign(container("c1"), proc("p1"));
    assertThat(states("c1")).endsWith(TaskState.RUNNING);

    away.down = true;
    docker.exit("c1", 137); // dies while nobody can see it
    assign(container("c1"), container("c2"), proc("p1"), proc("p2"));
    assertThat(states("c1")).endsWith(TaskState.RUNNING); // not "lost", not guessed
    assertThat(states("c2")).isEmpty(); // not started into an engine that is away, not rejected
    assertThat(states("p2")).endsWith(TaskState.RUNNING); // the process runtime goes on
    assertThat(runtimes.runningTaskIds(NODE)).containsExactly("p1", "p2");

    away.down = false;
    assign(container("c1"), container("c2"), proc("p1"), proc("p2"));
    assertThat(states("c1")).endsWith(TaskState.FAILED);
    assertThat(sent).filteredOn(s -> s.taskId().equals("c1")).last().satisfies(s -> assertThat(s.exitCode()).isEqualTo(137));
    assertThat(states("c2")).endsWith(TaskState.RUNNING);
  }

  /** Delegates to a fake, except that {@link #list} throws while {@link #down}, as with an engine gone. */
  private static final class Away implements ContainerRuntime {
    private final FakeRuntime inner;
    volatile boolean down;

    Away(FakeRuntime inner) {
      this.inner = inner;
    }

    @Override
    public List<RuntimeTask> list(String nodeId) {
      if (down) {
        throw new IllegalStateException("java.io.IOException: Connection refused");
      }
      return inner.list(nodeId);
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public String driver() {
      return inner.driver();
    }

    @Override
    public String version() {
      return inner.version();
    }

    @Override
    public RuntimeTask prepare(Task task) throws TaskRejectedException {
      return inner.prepare(task);
    }

    @Override
    public RuntimeTask start(String taskId) throws TaskRejectedException {
      return inner.start(taskId);
    }

    @Override
    public CompletableFuture<RuntimeTask> onExit(String taskId) {
      return inner.onExit(taskId);
    }

    @Override
    public void stop(String taskId, Duration grace) {
      inner.stop(taskId, grace);
    }

    @Override
    public void remove(String taskId) {
      inner.remove(taskId);
    }

    @Override
    public InputStream logs(String taskId) {
      return inner.logs(taskId);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
