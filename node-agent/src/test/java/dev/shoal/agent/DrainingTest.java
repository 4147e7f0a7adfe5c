package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The drain delay before a task that serves through the ingress is signalled to stop. */
class DrainingTest {
  private static final Duration DRAIN = Duration.ofMillis(800);
  private final ExecutorService ops = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    ops.shutdownNow();
  }

  private static ServiceSpec published(String mode) {
    return new ServiceSpec("web", null, List.of("sleep", "100"), null, null, null, null, null,
        List.of(new ServiceSpec.PortConfig(8000, 8080, null, mode)), null, null, null, null, null, null,
        null, null, null, "2s", null, null, null);
  }

  @Test
  void onlyATaskToldToStopThatRanAndPublishesThroughTheIngressWaits() {
    Task ingress = task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING, published(null));
    assertThat(Draining.delay(ingress, TaskState.RUNNING, DRAIN)).isEqualTo(DRAIN);
    assertThat(Draining.delay(task("t1", DesiredState.REMOVE, TaskState.RUNNING, published("ingress")),
        null, DRAIN)).isEqualTo(DRAIN);
    assertThat(Draining.delay(ingress, TaskState.RUNNING, Duration.ZERO)).isZero();
    assertThat(Draining.delay(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING, published("host")),
        TaskState.RUNNING, DRAIN)).isZero();
    assertThat(Draining.delay(task("t1", DesiredState.SHUTDOWN, TaskState.STARTING, published(null)),
        TaskState.STARTING, DRAIN)).isZero();
    assertThat(Draining.delay(task("t1", DesiredState.SHUTDOWN, TaskState.RUNNING), TaskState.RUNNING, DRAIN))
        .as("a port without a published number").isZero();
    assertThat(Draining.delay(null, TaskState.RUNNING, DRAIN)).as("not assigned any more").isZero();
    assertThat(Draining.delay(task("t1", DesiredState.RUNNING, TaskState.RUNNING, published(null)),
        TaskState.RUNNING, DRAIN)).isZero();
  }

  @Test
  void theStopSignalComesAfterTheDrainDelayAndAFenceCutsItShort() {
    FakeRuntime runtime = new FakeRuntime("process");
    StatusPublisher publisher = new StatusPublisher(s -> CompletableFuture.completedFuture(null));
    AtomicInteger operationsEnded = new AtomicInteger();
    TaskSupervisor supervisor = new TaskSupervisor(NODE, new Runtimes(List.of(runtime)), publisher, OpsPool.on(ops),
        () -> { }, operationsEnded::incrementAndGet, System::currentTimeMillis, DRAIN, StartReports.immediate(publisher));
    Task a = task("a", DesiredState.RUNNING, TaskState.ASSIGNED, published(null));
    Task b = task("b", DesiredState.RUNNING, TaskState.ASSIGNED, published(null));
    supervisor.assign(List.of(a, b));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      supervisor.converge();
      return publisher.state("a") == TaskState.RUNNING && publisher.state("b") == TaskState.RUNNING;
    });
    // A start reports RUNNING before its operation ends, and the one pass below plans nothing for a task still busy.
    await().atMost(Duration.ofSeconds(10)).until(() -> operationsEnded.get() >= 2);

    long told = System.nanoTime();
    supervisor.assign(List.of(a.withDesiredState(DesiredState.SHUTDOWN, 2), b));
    supervisor.converge();
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.calls.stream().anyMatch(c -> c.startsWith("stop a")));
    assertThat(Duration.ofNanos(System.nanoTime() - told)).isGreaterThanOrEqualTo(DRAIN);

    supervisor.assign(List.of(b.withDesiredState(DesiredState.SHUTDOWN, 3)));
    supervisor.converge();
    long fenced = System.nanoTime();
    supervisor.fence("no contact with Kafka");
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.calls.stream().anyMatch(c -> c.startsWith("stop b")));
    assertThat(Duration.ofNanos(System.nanoTime() - fenced)).isLessThan(DRAIN);
  }
}
