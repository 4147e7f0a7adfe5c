package dev.shoal.agent.runtime;

import static dev.shoal.agent.runtime.ProcessTasks.run;
import static dev.shoal.agent.runtime.ProcessTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.TestPreconditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health checks of process tasks with real processes and Docker's semantics. Short intervals keep the
 * tests quick; the checks count their own runs in files of the task's working directory (where they
 * run), so the tests see what ran and not only the status.
 */
class ProcessRuntimeHealthTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir
  Path dataDir;
  private ProcessTasks tasks;
  private ProcessRuntime runtime;
  /** Every health status the runtime showed when it announced a change, in order, per task. */
  private final List<String> announced = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() {
    tasks = new ProcessTasks(dataDir);
    runtime = tasks.runtime();
    runtime.onChange(() -> runtime.list(ProcessTasks.NODE).forEach(t -> announced.add(t.taskId() + "=" + t.health())));
  }

  @AfterEach
  void tearDown() {
    tasks.close();
  }

  private String health(String taskId) {
    return runtime.list(ProcessTasks.NODE).stream().filter(t -> t.taskId().equals(taskId))
        .map(RuntimeTask::health).filter(Objects::nonNull).findFirst().orElse(null);
  }

  private int runs(String taskId, String file) {
    try {
      Path p = dataDir.resolve("tasks").resolve(taskId).resolve("work").resolve(file);
      return Files.exists(p) ? (int) Files.readAllLines(p).size() : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void aPassingCheckMakesTheTaskHealthyAndIsAnnounced() throws Exception {
    RuntimeTask started = run(runtime, task("ok", """
        {"command": ["sleep", "60"], "env": {"WANTED": "yes"},
         "healthcheck": {"test": ["CMD-SHELL", "echo run >> runs; [ \\"$WANTED\\" = yes ] && [ -n \\"$SHOAL_TASK_ID\\" ]"],
                         "interval": "200ms", "timeout": "5s", "retries": 2}}"""));
    assertThat(started.health()).isEqualTo("starting");
    await().atMost(WAIT).until(() -> "healthy".equals(health("ok")));
    // The change is announced on the checker's thread after the status changed: it may come a moment later.
    await().atMost(WAIT).untilAsserted(() -> assertThat(announced).contains("ok=healthy"));
    assertThat(runs("ok", "runs")).isPositive(); // it ran in the task's working directory, with the task's env
  }

  @Test
  void aCheckThatFailsRetriesTimesInARowMakesTheTaskUnhealthy() throws Exception {
    run(runtime, task("bad", """
        {"command": ["sleep", "60"],
         "healthcheck": {"test": ["CMD", "sh", "-c", "echo run >> runs; exit 1"], "interval": "100ms", "retries": 3}}"""));
    await().atMost(WAIT).until(() -> "unhealthy".equals(health("bad")));
    assertThat(runs("bad", "runs")).isGreaterThanOrEqualTo(3);
    // starting -> unhealthy, never healthy on the way.
    await().atMost(WAIT).untilAsserted(() -> assertThat(announced).contains("bad=unhealthy"));
    assertThat(announced).filteredOn(a -> a.startsWith("bad=")).doesNotContain("bad=healthy");
  }

  @Test
  void aCheckThatExceedsItsTimeoutIsKilledAndCountsAsAFailure() throws Exception {
    run(runtime, task("slow", """
        {"command": ["sleep", "60"],
         "healthcheck": {"test": ["CMD-SHELL", "echo $$ >> pids; exec sleep 30"],
                         "interval": "100ms", "timeout": "300ms", "retries": 1}}"""));
    await().atMost(WAIT).until(() -> "unhealthy".equals(health("slow")));
    List<String> pids = Files.readAllLines(dataDir.resolve("tasks/slow/work/pids"));
    assertThat(pids).isNotEmpty();
    // The first check was killed at its timeout, not left to sleep its 30 s.
    await().atMost(WAIT).until(() -> ProcessHandle.of(Long.parseLong(pids.get(0))).isEmpty()
        || !ProcessHandle.of(Long.parseLong(pids.get(0))).get().isAlive());
  }

  @Test
  void failuresWithinTheStartPeriodDoNotCount() throws Exception {
    long t0 = System.nanoTime();
    run(runtime, task("warming", """
        {"command": ["sleep", "60"],
         "healthcheck": {"test": ["CMD-SHELL", "echo run >> runs; exit 1"], "interval": "100ms", "retries": 1,
                         "startPeriod": "2s"}}"""));
    await().atMost(WAIT).until(() -> runs("warming", "runs") >= 3);
    assertThat(health("warming")).isEqualTo("starting"); // three failures, none counted yet
    await().atMost(WAIT).until(() -> "unhealthy".equals(health("warming")));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aPassingCheckEndsTheStartPeriod() throws Exception {
    // Passes once, then fails: within a long start period the failure still counts after the pass.
    run(runtime, task("flaky", """
        {"command": ["sleep", "60"],
         "healthcheck": {"test": ["CMD-SHELL", "if [ -e passed ]; then exit 1; fi; touch passed"],
                         "interval": "100ms", "retries": 1, "startPeriod": "10m"}}"""));
    await().atMost(WAIT).until(() -> "unhealthy".equals(health("flaky")));
    await().atMost(WAIT).untilAsserted(() -> assertThat(announced).filteredOn(a -> a.startsWith("flaky=")).containsSubsequence("flaky=healthy", "flaky=unhealthy"));
  }

  @Test
  void theCheckRunsAsTheTasksUser() throws Exception {
    TestPreconditions.require(TaskUsers.Credentials.ofThisProcess().isRoot(), "running a task as another user needs root");
    run(runtime, task("asnobody", """
        {"command": ["sleep", "60"], "user": "nobody",
         "healthcheck": {"test": ["CMD-SHELL", "[ $(id -u) = 65534 ]"], "interval": "100ms", "retries": 1}}"""));
    await().atMost(WAIT).until(() -> health("asnobody") != null && !health("asnobody").equals("starting"));
    assertThat(health("asnobody")).isEqualTo("healthy");
  }

  @Test
  void noneDisablesTheCheckAndATaskThatEndedHasNoHealth() throws Exception {
    RuntimeTask none = run(runtime, task("none", """
        {"command": ["sh", "-c", "exit 0"], "healthcheck": {"test": ["NONE"]}}"""));
    assertThat(none.health()).isNull();
    run(runtime, task("ends", """
        {"command": ["sh", "-c", "sleep 1"],
         "healthcheck": {"test": ["CMD", "true"], "interval": "100ms"}}"""));
    await().atMost(WAIT).until(() -> "healthy".equals(health("ends")));
    RuntimeTask ended = runtime.onExit("ends").get();
    assertThat(ended.health()).isNull();
  }

  @Test
  void anAdoptedTaskKeepsItsHealthAndIsCheckedAgain() throws Exception {
    run(runtime, task("kept", """
        {"command": ["sleep", "60"],
         "healthcheck": {"test": ["CMD-SHELL", "echo run >> runs; [ ! -e broken ]"], "interval": "100ms", "retries": 1}}"""));
    await().atMost(WAIT).until(() -> "healthy".equals(health("kept")));
    // Same data dir, the first runtime never closed: an agent restarted after a crash.
    ProcessRuntime restarted = tasks.runtime();
    assertThat(restarted.list(ProcessTasks.NODE)).singleElement().satisfies(t -> assertThat(t.health()).isEqualTo("healthy"));
    Files.writeString(dataDir.resolve("tasks/kept/work/broken"), "");
    // Only its own checks can tell the restarted runtime: it never reads the record again.
    await().atMost(WAIT).until(() -> restarted.list(ProcessTasks.NODE).get(0).health().equals("unhealthy"));
  }

  @Test
  void oneThreadChecksEveryTask() throws Exception {
    long before = watcherThreads();
    for (int i = 0; i < 8; i++) {
      run(runtime, task("many" + i, """
          {"command": ["sleep", "60"], "healthcheck": {"test": ["CMD", "true"], "interval": "100ms"}}"""));
    }
    await().atMost(WAIT).until(() -> runtime.list(ProcessTasks.NODE).stream().allMatch(t -> "healthy".equals(t.health())));
    // The runtime's one scheduler thread, whatever the number of checked tasks (earlier runtimes' may still be ending).
    assertThat(watcherThreads()).isLessThanOrEqualTo(Math.max(before, 1));
  }

  private static long watcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("shoal-process-watcher")).count();
  }

  @Test
  void checksItCannotRunAreRejected() {
    assertThatThrownBy(() -> runtime.prepare(task("empty", """
        {"command": ["true"], "healthcheck": {"interval": "1s"}}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: healthcheck.test is empty and a process has no image to inherit a check from");
    assertThatThrownBy(() -> runtime.prepare(task("bare", """
        {"command": ["true"], "healthcheck": {"test": ["CMD-SHELL"]}}""")))
        .isInstanceOf(TaskRejectedException.class).hasMessage("process runtime: healthcheck.test has no command after CMD-SHELL");
    assertThatThrownBy(() -> runtime.prepare(task("when", """
        {"command": ["true"], "healthcheck": {"test": ["CMD", "true"], "interval": "soon"}}""")))
        .isInstanceOf(TaskRejectedException.class).hasMessageStartingWith("process runtime: healthcheck.interval: ");
  }
}
