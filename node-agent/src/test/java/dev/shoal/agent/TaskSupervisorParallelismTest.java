package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.running;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's bounded operation pools (issue 14, {@link OpsPool}) under a runtime whose prepares and
 * stops block until the test opens their gate: starts never run more than the parallelism at once,
 * waiting stops and drain delays hold no start worker, and a fence or shutdown stops every task side by side.
 */
class TaskSupervisorParallelismTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** Long enough that a bound which let one more operation through would show it. */
  private static final Duration HOLD = Duration.ofMillis(300);

  private final FakeRuntime runtime = new FakeRuntime("process");
  private final StatusPublisher publisher = new StatusPublisher(s -> CompletableFuture.completedFuture(null));
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final AtomicInteger preparing = new AtomicInteger();
  private final AtomicInteger mostPreparing = new AtomicInteger();
  private final AtomicInteger stopping = new AtomicInteger();
  private final AtomicInteger mostStopping = new AtomicInteger();
  /** Operations ended (and task exits): the supervisor marks a task idle just before it counts here. */
  private final AtomicInteger operationsEnded = new AtomicInteger();
  private OpsPool ops;
  private TaskSupervisor supervisor;

  @AfterEach
  void openEverything() {
    gates.values().forEach(g -> {
      while (g.getCount() > 0) {
        g.countDown();
      }
    });
    if (ops != null) {
      ops.shutdownNow();
    }
  }

  private void supervise(int parallelism, int stopThreads, Duration drain) {
    ops = OpsPool.bounded(NODE, parallelism, stopThreads);
    supervisor = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher, ops, () -> { },
        operationsEnded::incrementAndGet, System::currentTimeMillis, drain, StartReports.immediate(publisher));
    runtime.onPrepareOf(id -> {
      mostPreparing.accumulateAndGet(preparing.incrementAndGet(), Math::max);
      try {
        pass(gate("prepare " + id));
      } finally {
        preparing.decrementAndGet();
      }
    });
  }

  /** Stops wait for their gate, as for a task that ignores its stop signal until its grace is over. */
  private void stopsWaitForTheirGate() {
    runtime.onStop(id -> {
      mostStopping.accumulateAndGet(stopping.incrementAndGet(), Math::max);
      try {
        pass(gate("stop " + id));
      } finally {
        stopping.decrementAndGet();
      }
    });
  }

  private CountDownLatch gate(String name) {
    return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  private void open(String name) {
    gate(name).countDown();
  }

  private static void pass(CountDownLatch gate) {
    try {
      if (!gate.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("a gate was never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long calls(String prefix) {
    synchronized (runtime.calls) {
      return runtime.calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
  }

  private boolean runs(String id) {
    RuntimeTask t = runtime.get(id);
    return t != null && t.state() == RuntimeTask.State.RUNNING;
  }

  /** Stopped, or stopped and removed. */
  private boolean ended(String id) {
    RuntimeTask t = runtime.get(id);
    return t == null || !t.isLive();
  }

  /**
   * Assigns {@code ids}, opens their prepare gates and converges until they run and their start
   * operations have ended: a task whose start is still reporting is busy, and a pass plans nothing for it.
   */
  private void startRunning(List<String> ids) {
    ids.forEach(id -> open("prepare " + id));
    int endedBefore = operationsEnded.get();
    supervisor.assign(ids.stream().map(Fixtures::running).toList());
    await().atMost(WAIT).until(() -> {
      supervisor.converge();
      return ids.stream().allMatch(this::runs) && operationsEnded.get() - endedBefore >= ids.size();
    });
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void atMostTheParallelismStartsRunAtOnceAndTheNextGoesInWhenOneEnds() {
    supervise(3, 4, Duration.ZERO);
    List<String> ids = ids("t", 10);
    supervisor.assign(ids.stream().map(Fixtures::running).toList());
    supervisor.converge(); // all ten dispatched: three prepare, seven queue

    await().atMost(WAIT).until(() -> preparing.get() == 3);
    await().during(HOLD).atMost(HOLD.multipliedBy(5)).until(() -> calls("prepare ") == 3);

    open("prepare t0"); // one start ends: exactly one more goes in
    await().atMost(WAIT).until(() -> calls("prepare ") == 4 && preparing.get() == 3);
    await().during(HOLD).atMost(HOLD.multipliedBy(5)).until(() -> calls("prepare ") == 4);

    ids.forEach(id -> open("prepare " + id));
    await().atMost(WAIT).until(() -> {
      supervisor.converge();
      return ids.stream().allMatch(this::runs);
    });
    assertThat(mostPreparing.get()).isEqualTo(3);
  }

  @Test
  void aStopWaitingOutItsGraceHoldsNoStartWorker() {
    supervise(1, 4, Duration.ZERO);
    startRunning(List.of("old"));
    stopsWaitForTheirGate();

    open("prepare new");
    supervisor.assign(List.of(running("new"))); // "old" is no longer assigned: it is stopped
    await().atMost(WAIT).until(() -> {
      supervisor.converge();
      return runs("new") && stopping.get() == 1;
    });
    assertThat(runtime.get("old").isLive()).as("the stop of old is still waiting out its grace").isTrue();

    open("stop old");
    await().atMost(WAIT).until(() -> ended("old"));
  }

  @Test
  void aDrainDelayHoldsNoThreadAndAFenceEndsIt() {
    supervise(1, 1, Duration.ofMinutes(1)); // one thread of each kind: a drain holding one would block the rest
    Task web = task("web", DesiredState.RUNNING, TaskState.ASSIGNED, publishedThroughTheIngress());
    open("prepare web");
    open("prepare other");
    supervisor.assign(List.of(web, running("other")));
    await().atMost(WAIT).until(() -> {
      supervisor.converge();
      // and their starts ended: a task still busy reporting its start gets no stop (its drain) from a pass
      return publisher.state("web") == TaskState.RUNNING && publisher.state("other") == TaskState.RUNNING
          && operationsEnded.get() >= 2;
    });

    open("prepare new");
    // web drains for a minute; other is stopped at once, on the only stop thread; new starts on the only start thread.
    supervisor.assign(List.of(web.withDesiredState(DesiredState.SHUTDOWN, 2), running("new")));
    await().atMost(WAIT).until(() -> {
      supervisor.converge();
      return runs("new") && ended("other");
    });
    assertThat(calls("stop web")).as("still draining").isZero();

    supervisor.fence("no contact with Kafka");
    await().atMost(WAIT).until(() -> ended("web"));
  }

  @Test
  void aFenceStopsEveryTaskSideBySide() {
    supervise(2, 20, Duration.ZERO);
    List<String> ids = ids("t", 20);
    startRunning(ids);
    CountDownLatch allStopping = stopsMeetEachOther(ids.size());

    supervisor.fence("no contact with Kafka");
    supervisor.converge();
    // Each stop waits until all twenty are under way: with fewer at once none would end.
    await().atMost(WAIT).until(() -> ids.stream().allMatch(this::ended));
    assertThat(allStopping.getCount()).isZero();
    assertThat(mostStopping.get()).isEqualTo(20);
  }

  @Test
  void shutdownStopsEveryTaskWithinAboutOneGrace() {
    supervise(2, 20, Duration.ZERO);
    List<String> ids = ids("t", 20);
    startRunning(ids);
    Duration grace = Duration.ofMillis(500);
    CountDownLatch meet = new CountDownLatch(ids.size());
    CountDownLatch never = gate("never");
    runtime.onStop(id -> {
      mostStopping.accumulateAndGet(stopping.incrementAndGet(), Math::max);
      try {
        meet.countDown();
        pass(meet); // all twenty under way at once, or none ends
        never.await(grace.toMillis(), TimeUnit.MILLISECONDS); // then each waits out its grace
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopping.decrementAndGet();
      }
    });

    long began = System.nanoTime();
    supervisor.shutdown("node agent shutting down", Duration.ofSeconds(1));
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(ids).allMatch(this::ended);
    assertThat(mostStopping.get()).isEqualTo(20);
    assertThat(took).as("one after another they would take 20 graces").isLessThan(grace.multipliedBy(10));
  }

  @Test
  void stopsBeyondTheStopThreadsWaitForOneToEnd() {
    supervise(2, 4, Duration.ZERO);
    List<String> ids = ids("t", 5);
    startRunning(ids);
    stopsWaitForTheirGate();

    supervisor.assign(List.of());
    supervisor.converge();
    await().atMost(WAIT).until(() -> stopping.get() == 4);
    await().during(HOLD).atMost(HOLD.multipliedBy(5)).until(() -> calls("stop ") == 4);

    ids.forEach(id -> open("stop " + id));
    await().atMost(WAIT).until(() -> ids.stream().allMatch(this::ended));
    assertThat(mostStopping.get()).isEqualTo(4);
  }

  @Test
  void theParallelismIsOneTo256() {
    Path dir = Path.of("/tmp/unused");
    assertThat(NodeAgentConfig.builder("k:9092", dir).build().taskParallelism()).isEqualTo(8);
    assertThat(NodeAgentConfig.builder("k:9092", dir).taskParallelism(1).build().taskParallelism()).isEqualTo(1);
    assertThat(NodeAgentConfig.builder("k:9092", dir).taskParallelism(256).build().taskParallelism()).isEqualTo(256);
    for (int refused : new int[] {0, -1, 257}) {
      assertThatThrownBy(() -> NodeAgentConfig.builder("k:9092", dir).taskParallelism(refused).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the task parallelism must be 1 to 256, got " + refused);
    }
    assertThatThrownBy(() -> OpsPool.bounded(NODE, 1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stop threads must be 1 or more, got 0");
  }

  /** From now on each stop waits until {@code n} stops are under way at once; returns the latch they meet on. */
  private CountDownLatch stopsMeetEachOther(int n) {
    CountDownLatch meet = new CountDownLatch(n);
    gates.put("meet", meet);
    runtime.onStop(id -> {
      mostStopping.accumulateAndGet(stopping.incrementAndGet(), Math::max);
      try {
        meet.countDown();
        pass(meet);
      } finally {
        stopping.decrementAndGet();
      }
    });
    return meet;
  }

  private static ServiceSpec publishedThroughTheIngress() {
    return new ServiceSpec("web", null, List.of("sleep", "100"), null, null, null, null, null,
        List.of(new ServiceSpec.PortConfig(8000, 8080, null, null)), null, null, null, null, null, null,
        null, null, null, "2s", null, null, null);
  }
}
