package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.SimulatedRuntime;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When passes run: requests share passes, and every request is followed by a pass that starts after it. */
class PassRequestsTest {
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService opsThread = Executors.newSingleThreadExecutor();
  private final AtomicInteger requests = new AtomicInteger();
  /** For each pass, how many requests had been made when it started. */
  private final List<Integer> passesSaw = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    thread.shutdownNow();
    opsThread.shutdownNow();
  }

  private PassRequests passes(Duration spacing, Runnable during) {
    return new PassRequests(thread, spacing, System::nanoTime, () -> {
      passesSaw.add(requests.get());
      during.run();
    });
  }

  @Test
  void operationEndsWithinTheSpacingShareOnePassThatStartsAfterTheLastOfThem() {
    PassRequests p = passes(Duration.ofSeconds(1), () -> {});
    requests.incrementAndGet();
    p.now();
    await().atMost(Duration.ofSeconds(10)).until(() -> passesSaw.size() == 1);
    long from = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      requests.incrementAndGet();
      p.soon();
    }
    boolean withinSpacing = System.nanoTime() - from < Duration.ofMillis(500).toNanos();
    await().atMost(Duration.ofSeconds(10)).until(() -> passesSaw.size() == 2);
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> passesSaw.size() == 2);
    assertThat(passesSaw).containsExactly(1, 51);
    assertThat(withinSpacing).as("the 50 requests were made within the spacing").isTrue();
  }

  @Test
  void aNewAssignmentDoesNotWaitForTheSpacing() {
    PassRequests p = passes(Duration.ofHours(1), () -> {});
    p.now();
    await().atMost(Duration.ofSeconds(10)).until(() -> passesSaw.size() == 1);
    requests.incrementAndGet();
    p.soon(); // due in an hour
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> passesSaw.size() == 1);
    requests.incrementAndGet();
    p.now();
    await().atMost(Duration.ofSeconds(10)).until(() -> passesSaw.size() == 2);
    assertThat(passesSaw).containsExactly(0, 2);
  }

  @Test
  void aRequestDuringAPassGetsAPassAfterIt() throws Exception {
    CountDownLatch inFirstPass = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    PassRequests p = passes(Duration.ofMillis(50), () -> {
      if (runs.getAndIncrement() == 0) {
        inFirstPass.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    p.now();
    assertThat(inFirstPass.await(10, TimeUnit.SECONDS)).isTrue();
    requests.incrementAndGet();
    p.soon();
    requests.incrementAndGet();
    p.now();
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> passesSaw.contains(2));
    assertThat(passesSaw.get(0)).isZero();
  }

  @Test
  void theResyncRunsOnlyWhenNoPassStartedWithinItsInterval() {
    PassRequests p = passes(Duration.ofMillis(20), () -> {});
    p.resync(Duration.ofHours(1)); // no pass yet: runs
    assertThat(passesSaw).hasSize(1);
    p.resync(Duration.ofHours(1)); // one just started
    assertThat(passesSaw).hasSize(1);
    p.resync(Duration.ZERO);
    assertThat(passesSaw).hasSize(2);
  }

  /**
   * A node's hundred starts ending one after another (a millisecond apart, as an engine's would, on
   * one start thread): a few passes, not one each, and the node ends converged; then half the tasks
   * are shut down and their stops' ends are reported too.
   */
  @Test
  void aHundredStartsEndingOneByOneMakeFewPassesAndTheNodeConverges() {
    SimulatedRuntime runtime = new SimulatedRuntime("process");
    Map<String, TaskState> reported = new ConcurrentHashMap<>();
    StatusPublisher publisher = new StatusPublisher(s -> {
      reported.merge(s.taskId(), s.state(), (a, b) -> b);
      return CompletableFuture.completedFuture(null);
    });
    java.util.concurrent.Executor engineLike = op -> opsThread.execute(() -> {
      pause(Duration.ofMillis(1)); // what the engine takes; not a synchronisation
      op.run();
    });
    TaskSupervisor[] supervisor = new TaskSupervisor[1];
    PassRequests p = passes(Duration.ofMillis(200), () -> supervisor[0].converge());
    supervisor[0] = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher, OpsPool.on(engineLike),
        p::now, p::soon, () -> 7, Duration.ZERO, StartReports.immediate(publisher));
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      tasks.add(running(String.format("t%03d", i)));
    }
    supervisor[0].assign(tasks);
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.list(NODE).stream()
        .filter(t -> t.state() == RuntimeTask.State.RUNNING).count() == 100
        && reported.values().stream().filter(s -> s == TaskState.RUNNING).count() == 100);
    // One pass on the assignment, then about one per spacing while the starts end (100+ ms in all).
    // The node can look converged before the pass its ended starts asked for has run (the starts
    // report themselves): wait for that pass, then count.
    await().atMost(Duration.ofSeconds(5)).until(() -> passesSaw.size() >= 2);
    int startPasses = passesSaw.size();
    assertThat(startPasses).isBetween(2, 20);

    List<Task> half = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Task t = tasks.get(i);
      half.add(i % 2 == 0 ? t.withDesiredState(DesiredState.SHUTDOWN, 2) : t);
    }
    supervisor[0].assign(half);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        reported.values().stream().filter(s -> s == TaskState.SHUTDOWN).count() == 50
        && runtime.list(NODE).stream().filter(t -> t.state() == RuntimeTask.State.RUNNING).count() == 50);
    assertThat(reported.get("t000")).isEqualTo(TaskState.SHUTDOWN);
    assertThat(reported.get("t001")).isEqualTo(TaskState.RUNNING);
    assertThat(passesSaw.size() - startPasses).isBetween(2, 20);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
