package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runtime with real processes. */
class ProcessRuntimeTest {
  private static final String NODE = "node1";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @TempDir
  Path dataDir;
  private final List<ProcessRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void closeRuntimes() {
    runtimes.forEach(ProcessRuntime::close);
  }

  private ProcessRuntime runtime() {
    ProcessRuntime r = new ProcessRuntime(dataDir);
    runtimes.add(r);
    return r;
  }

  static Task task(String id, List<String> command, Map<String, String> env, String grace, Integer... targets) {
    List<ServiceSpec.PortConfig> ports = java.util.Arrays.stream(targets)
        .map(t -> new ServiceSpec.PortConfig(t, null, null, null)).toList();
    ServiceSpec spec = new ServiceSpec("web", null, command, null, env, null, null, null, ports, null, null, null,
        null, null, null, null, null, null, grace, null, null, null);
    return new Task(id, "svc", "web", 1, NODE, 1, spec, DesiredState.RUNNING, null, 1, 1);
  }

  static Task sh(String id, String script) {
    return task(id, List.of("sh", "-c", script), null, "5s");
  }

  private RuntimeTask run(ProcessRuntime r, Task t) throws Exception {
    r.prepare(t);
    return r.start(t.id());
  }

  private static String log(ProcessRuntime r, String taskId) throws IOException {
    try (var in = r.logs(taskId)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int httpStatus(String endpoint) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + "/")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
  }

  @Test
  void runsAnHttpServerOnItsAllocatedPort() throws Exception {
    ProcessRuntime r = runtime();
    Task t = task("web1", List.of("python3", "-m", "http.server", "--bind", "127.0.0.1", "${PORT}"), null, "5s", 8000, 9000);
    RuntimeTask prepared = r.prepare(t);
    assertThat(prepared.state()).isEqualTo(RuntimeTask.State.CREATED);
    assertThat(prepared.name()).isEqualTo("web.1.web1");
    assertThat(prepared.ports()).extracting(p -> p.target()).containsExactly(8000, 9000);
    assertThat(prepared.endpoint()).isEqualTo("127.0.0.1:" + prepared.ports().get(0).hostPort());
    assertThat(prepared.ports().get(0).hostPort()).isNotEqualTo(prepared.ports().get(1).hostPort());
    RuntimeTask started = r.start("web1");
    assertThat(started.state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(started.containerId()).isNotNull();
    await().atMost(Duration.ofSeconds(20)).until(() -> httpStatus(started.endpoint()) == 200);
    assertThat(r.list(NODE)).extracting(RuntimeTask::taskId).containsExactly("web1");
    assertThat(r.list("another-node")).isEmpty();
  }

  @Test
  void reportsTheExitCode() throws Exception {
    ProcessRuntime r = runtime();
    run(r, sh("exit3", "echo bye; exit 3"));
    RuntimeTask ended = r.onExit("exit3").get(10, TimeUnit.SECONDS);
    assertThat(ended.state()).isEqualTo(RuntimeTask.State.EXITED);
    assertThat(ended.exitCode()).isEqualTo(3);
    assertThat(ended.stopRequested()).isFalse();
    assertThat(log(r, "exit3")).isEqualTo("bye\n");
  }

  @Test
  void passesPortsTaskIdentityAndSpecEnvironmentAndRunsInTheTaskDirectory() throws Exception {
    ProcessRuntime r = runtime();
    Task t = task("env1", List.of("sh", "-c", "echo \"$PORT $PORT_8000 $SHOAL_TASK_ID $SHOAL_TASK_NAME $GREETING\"; pwd"),
        Map.of("GREETING", "hello", "PORT", "1"), "1s", 8000);
    RuntimeTask started = run(r, t);
    r.onExit("env1").get(10, TimeUnit.SECONDS);
    int port = started.ports().get(0).hostPort();
    assertThat(log(r, "env1")).isEqualTo(port + " " + port + " env1 web.1 hello\n"
        + dataDir.resolve("tasks/env1/work").toRealPath() + "\n");
  }

  @Test
  void stopSendsSigtermToTheProcess() throws Exception {
    ProcessRuntime r = runtime();
    run(r, sh("term", "trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done"));
    await().atMost(Duration.ofSeconds(10)).until(() -> log(r, "term").contains("ready"));
    r.stop("term", Duration.ofSeconds(5));
    RuntimeTask ended = r.onExit("term").getNow(null);
    assertThat(ended).isNotNull();
    assertThat(ended.stopRequested()).isTrue();
    assertThat(ended.exitCode()).isZero();
    assertThat(log(r, "term")).contains("got TERM");
  }

  @Test
  void killsAProcessThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
    ProcessRuntime r = runtime();
    RuntimeTask started = run(r, sh("stubborn", "trap '' TERM; echo ready; while true; do sleep 0.1; done"));
    await().atMost(Duration.ofSeconds(10)).until(() -> log(r, "stubborn").contains("ready"));
    long t0 = System.nanoTime();
    r.stop("stubborn", Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(r.onExit("stubborn").getNow(null).exitCode()).isEqualTo(137);
    assertThat(running(Long.parseLong(started.containerId()))).isFalse();
  }

  @Test
  void stopAlsoEndsTheChildrenOfAShell() throws Exception {
    ProcessRuntime r = runtime();
    Task t = task("shell", List.of("sh", "-c", "python3 -m http.server --bind 127.0.0.1 $PORT"), null, "5s", 8000);
    RuntimeTask started = run(r, t);
    await().atMost(Duration.ofSeconds(20)).until(() -> httpStatus(started.endpoint()) == 200);
    List<Long> tree = ProcessHandle.of(Long.parseLong(started.containerId())).orElseThrow()
        .descendants().map(ProcessHandle::pid).toList();
    assertThat(tree).isNotEmpty();
    r.stop("shell", Duration.ofSeconds(5));
    assertThat(tree).noneMatch(ProcessRuntimeTest::running);
    assertThat(httpStatus(started.endpoint())).isEqualTo(-1);
  }

  @Test
  void aCommandThatDoesNotExistIsRejectedWithTheOsReason() throws Exception {
    ProcessRuntime r = runtime();
    r.prepare(task("nope", List.of("shoal-no-such-command-xyz"), null, "1s"));
    assertThatThrownBy(() -> r.start("nope"))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessageContaining("shoal-no-such-command-xyz")
        .hasMessageContaining("No such file or directory");
    assertThat(r.list(NODE)).singleElement().satisfies(v -> {
      assertThat(v.state()).isEqualTo(RuntimeTask.State.EXITED);
      assertThat(v.exitMessage()).contains("No such file or directory");
    });
  }

  @Test
  void rejectsWhatItCannotRun() {
    ProcessRuntime r = runtime();
    Task image = new Task("img", "svc", "db", 1, NODE, 1, new ServiceSpec("db", "redis:7", null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null),
        DesiredState.RUNNING, null, 1, 1);
    assertThatThrownBy(() -> r.prepare(image)).isInstanceOf(TaskRejectedException.class).hasMessageContaining("images");
    Task badDir = new Task("wd", "svc", "web", 1, NODE, 1, new ServiceSpec("web", null, List.of("true"), null, null,
        null, null, null, null, null, null, null, null, null, null, "/no/such/dir", null, null, null, null, null, null),
        DesiredState.RUNNING, null, 1, 1);
    assertThatThrownBy(() -> r.prepare(badDir)).isInstanceOf(TaskRejectedException.class)
        .hasMessageContaining("/no/such/dir");
    assertThatThrownBy(() -> r.prepare(sh("../escape", "true"))).isInstanceOf(TaskRejectedException.class);
  }

  @Test
  void removeForgetsTheTaskAndDeletesItsDirectory() throws Exception {
    ProcessRuntime r = runtime();
    run(r, sh("gone", "sleep 30"));
    assertThat(dataDir.resolve("tasks/gone/task.json")).exists();
    r.remove("gone");
    assertThat(r.list(NODE)).isEmpty();
    assertThat(dataDir.resolve("tasks/gone")).doesNotExist();
    r.remove("gone"); // idempotent
    r.stop("gone", Duration.ZERO);
  }

  @Test
  void closeLeavesNoProcessBehind() throws Exception {
    ProcessRuntime r = runtime();
    List<Long> pids = new ArrayList<>();
    for (String id : List.of("a", "b")) {
      RuntimeTask t = run(r, sh(id, "sleep 60 & sleep 60; wait"));
      pids.add(Long.parseLong(t.containerId()));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> pids.stream()
        .allMatch(p -> ProcessHandle.of(p).map(h -> h.descendants().count() == 2).orElse(false)));
    pids.addAll(pids.stream().flatMap(p -> ProcessHandle.of(p).orElseThrow().descendants().map(ProcessHandle::pid)).toList());
    r.close();
    assertThat(pids).hasSize(6).noneMatch(ProcessRuntimeTest::running);
  }

  @Test
  void anAgentRestartedAfterACrashAdoptsItsProcessesAndCanStopThem() throws Exception {
    ProcessRuntime crashed = runtime();
    RuntimeTask started = run(crashed, sh("long", "sleep 60"));
    long pid = Long.parseLong(started.containerId());

    ProcessRuntime restarted = runtime(); // same data dir, the first one never closed
    RuntimeTask adopted = restarted.list(NODE).get(0);
    assertThat(adopted.state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(adopted.containerId()).isEqualTo(started.containerId());
    assertThat(adopted.endpoint()).isEqualTo(started.endpoint());

    restarted.stop("long", Duration.ofSeconds(2));
    assertThat(running(pid)).isFalse();
    RuntimeTask ended = restarted.onExit("long").get(5, TimeUnit.SECONDS);
    assertThat(ended.stopRequested()).isTrue();
    assertThat(ended.exitCode()).isNull();
  }

  @Test
  void aTaskThatExecsAnotherProgramIsStillAdopted() throws Exception {
    // As a "#!/usr/bin/env python3" script or a version-manager shim does: same pid, new executable.
    ProcessRuntime crashed = runtime();
    RuntimeTask started = run(crashed, sh("execs", "sleep 0.3; exec sleep 60"));
    long pid = Long.parseLong(started.containerId());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).flatMap(h -> h.info().command())
        .map(c -> c.endsWith("/sleep")).orElse(false));

    ProcessRuntime restarted = runtime();
    RuntimeTask adopted = restarted.list(NODE).get(0);
    assertThat(adopted.state()).isEqualTo(RuntimeTask.State.RUNNING);
    restarted.stop("execs", Duration.ofSeconds(2));
    assertThat(running(pid)).isFalse();
  }

  @Test
  void aRestartedAgentDoesNotTouchAProcessThatReusedAPid() throws Exception {
    Process stranger = new ProcessBuilder("sleep", "60").start();
    try {
      ProcessRuntime first = runtime();
      run(first, sh("old", "exit 0"));
      first.onExit("old").get(5, TimeUnit.SECONDS);
      first.close();
      // Forge the record as if the task ran under the stranger's pid, started at another time.
      Path file = dataDir.resolve("tasks/old/task.json");
      ProcessRecord rec = dev.shoal.schemas.Json.fromBytes(Files.readAllBytes(file), ProcessRecord.class);
      ProcessRecord forged = new ProcessRecord(rec.taskId(), rec.nodeId(), rec.name(), rec.argv(), rec.env(),
          rec.workdir(), rec.ports(), rec.endpoint(), rec.stopGraceMillis(), RuntimeTask.State.RUNNING,
          stranger.pid(), stranger.info().startInstant().orElseThrow().toEpochMilli() - 60_000, null, null, null, false,
          null, null, null, null);
      Files.write(file, dev.shoal.schemas.Json.toBytes(forged));

      ProcessRuntime restarted = runtime();
      RuntimeTask seen = restarted.list(NODE).get(0);
      assertThat(seen.state()).isEqualTo(RuntimeTask.State.EXITED);
      assertThat(seen.exitMessage()).isEqualTo(ProcessEntry.GONE_WHILE_AWAY);
      restarted.remove("old");
      restarted.close();
      assertThat(stranger.isAlive()).isTrue();
    } finally {
      stranger.destroyForcibly();
    }
  }

  @Test
  void interpolatesOnlyTheTasksOwnVariables() {
    Map<String, String> env = Map.of("PORT", "4000", "PORT_80", "4001");
    assertThat(ProcessLaunch.interpolate("--port=${PORT} ${PORT_80} ${HOME} $PORT ${", env))
        .isEqualTo("--port=4000 4001 ${HOME} $PORT ${");
  }
}
