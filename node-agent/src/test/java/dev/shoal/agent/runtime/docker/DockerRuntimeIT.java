package dev.shoal.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Task;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DockerRuntime} on the real engine, with busybox containers; skipped with a reason without one (failed where {@code CI=true}). */
class DockerRuntimeIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NODE = "docker-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static DockerTestEngine engine;
  private static DockerRuntime runtime;

  @BeforeAll
  static void connect() throws Exception {
    engine = DockerTestEngine.open(DockerRuntimeIT.class);
    if (engine.available()) {
      // Temporary directories may be bind-mounted: the mount test shares one with its container.
      runtime = DockerRuntime.connect(null, DockerRuntime.DEFAULT_PULL_TIMEOUT,
          List.of(System.getProperty("java.io.tmpdir")));
    }
  }

  @BeforeEach
  void needsTheEngine() {
    engine.assumeAvailable();
  }

  @AfterAll
  static void cleanUp() {
    if (runtime != null) {
      runtime.close();
    }
    engine.cleanUp(DockerRuntimeIT.class);
  }

  private static SpecBuilder httpd(String name) {
    return SpecBuilder.httpd(name, DockerRuntimeIT.class);
  }

  private static SpecBuilder busybox(String name, String... command) {
    return SpecBuilder.service(name, DockerRuntimeIT.class).command(command);
  }

  private static String id() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static RuntimeTask run(Task task) throws TaskRejectedException {
    RuntimeTask created = runtime.prepare(task);
    assertThat(created.state()).isEqualTo(RuntimeTask.State.CREATED);
    return runtime.start(task.id());
  }

  private static InspectContainerResponse inspect(RuntimeTask t) {
    return engine.client().inspectContainerCmd(t.containerId()).exec();
  }

  @Test
  void runsHttpdReachableOnItsEndpointWithSwarmNameAndLabels() throws Exception {
    String id = id();
    Task task = httpd("web").task(id, 2, NODE);
    RuntimeTask running = run(task);

    assertThat(running.state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(running.driver()).isEqualTo(Drivers.DOCKER);
    assertThat(running.name()).isEqualTo("web.2." + id);
    assertThat(running.endpoint()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(running.ports()).singleElement().satisfies(p -> {
      assertThat(p.target()).isEqualTo(80);
      assertThat(p.protocol()).isEqualTo("tcp");
      assertThat(running.endpoint()).isEqualTo("127.0.0.1:" + p.hostPort());
    });
    await().atMost(WAIT).until(() -> DockerTestEngine.httpStatus(running.endpoint()) == 200);
    assertThat(DockerTestEngine.httpBody(running.endpoint())).contains("shoal test page");

    InspectContainerResponse c = inspect(running);
    assertThat(c.getName()).isEqualTo("/web.2." + id);
    assertThat(c.getConfig().getLabels())
        .containsEntry(ContainerLabels.TASK_ID, id)
        .containsEntry(ContainerLabels.SERVICE_NAME, "web")
        .containsEntry(ContainerLabels.SERVICE_ID, "svc-web")
        .containsEntry(ContainerLabels.SLOT, "2")
        .containsEntry(ContainerLabels.NODE_ID, NODE)
        .containsEntry(ContainerLabels.SPEC_VERSION, "3");
    assertThat(c.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(80)))
        .extracting(Ports.Binding::getHostIp).containsExactly("127.0.0.1");
    assertThat(runtime.list(NODE)).extracting(RuntimeTask::taskId).contains(id);

    // prepare and start again are no-ops on the same container
    assertThat(runtime.prepare(task).containerId()).isEqualTo(running.containerId());
    assertThat(runtime.start(id).containerId()).isEqualTo(running.containerId());
  }

  /** Slot 1 of {@code service} run to its end by a runtime of another cluster (its own node) on the same engine. */
  private static RuntimeTask exitedInAnotherCluster(String service, String taskId) throws Exception {
    try (DockerRuntime otherCluster = DockerRuntime.connect(null, DockerRuntime.DEFAULT_PULL_TIMEOUT, List.of())) {
      RuntimeTask created = otherCluster.prepare(busybox(service, "true").task(taskId, 1, "other-" + NODE));
      otherCluster.start(taskId);
      otherCluster.onExit(taskId).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return created;
    }
  }

  @Test
  void anotherClustersContainerWithTheSameTaskIdIsNotAdopted() throws Exception {
    // Task ids are unique within a cluster; two clusters sharing an engine may both have this one.
    String id = id();
    RuntimeTask foreign = exitedInAnotherCluster("theirs", id);

    RuntimeTask ours = runtime.prepare(busybox("ours", "sleep", "600").task(id, 1, NODE));
    assertThat(ours.containerId()).isNotEqualTo(foreign.containerId());
    assertThat(ours.state()).isEqualTo(RuntimeTask.State.CREATED);
    assertThat(runtime.list(NODE)).filteredOn(t -> t.taskId().equals(id)).singleElement()
        .satisfies(t -> assertThat(t.containerId()).isEqualTo(ours.containerId()));
    runtime.stop(id, Duration.ofSeconds(1));
    assertThat(inspect(foreign).getState().getStatus()).as("theirs, untouched").isEqualTo("exited");
  }

  @Test
  void aNameHeldByAnotherClustersContainerGivesOursANameWithItsNode() throws Exception {
    // The same service and task id in two clusters: the other one's exited container holds Swarm's name.
    String id = id();
    RuntimeTask foreign = exitedInAnotherCluster("same", id);
    assertThat(foreign.name()).isEqualTo("same.1." + id);

    RuntimeTask ours = run(busybox("same", "sleep", "600").task(id, 1, NODE));
    assertThat(ours.state()).isEqualTo(RuntimeTask.State.RUNNING);
    assertThat(ours.name()).isEqualTo("same.1." + id + "." + NODE.substring(0, 12));
    assertThat(inspect(ours).getName()).isEqualTo("/same.1." + id + "." + NODE.substring(0, 12));
    // Found again by a runtime that starts afresh, as after an agent restart.
    try (DockerRuntime restarted = DockerRuntime.connect(null, DockerRuntime.DEFAULT_PULL_TIMEOUT, List.of())) {
      restarted.prepare(busybox("same", "sleep", "600").task(id, 1, NODE));
      assertThat(restarted.list(NODE)).filteredOn(t -> t.taskId().equals(id)).singleElement()
          .satisfies(t -> assertThat(t.containerId()).isEqualTo(ours.containerId()));
    }
    runtime.stop(id, Duration.ofSeconds(1));
    assertThat(inspect(foreign).getState().getStatus()).as("theirs, untouched").isEqualTo("exited");
    assertThat(inspect(foreign).getName()).isEqualTo("/same.1." + id);
  }

  @Test
  void aKilledContainerEndsWithItsNonZeroExitCodeAndIsKept() throws Exception {
    String id = id();
    RuntimeTask running = run(busybox("sleeper", "sleep", "600").task(id, 1, NODE));
    engine.client().killContainerCmd(running.containerId()).exec();

    RuntimeTask ended = runtime.onExit(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ended.state()).isEqualTo(RuntimeTask.State.EXITED);
    assertThat(ended.exitCode()).isEqualTo(137);
    assertThat(ended.stopRequested()).isFalse();
    assertThat(inspect(running).getState().getStatus()).isEqualTo("exited");
    assertThat(runtime.list(NODE)).filteredOn(t -> t.taskId().equals(id)).singleElement()
        .satisfies(t -> assertThat(t.exitCode()).isEqualTo(137));
  }

  @Test
  void aCommandThatSucceedsEndsWithExitCodeZero() throws Exception {
    String id = id();
    run(busybox("job", "sh", "-c", "echo done; exit 0").task(id, 1, NODE));
    RuntimeTask ended = runtime.onExit(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ended.exitCode()).isZero();
    try (InputStream logs = runtime.logs(id)) {
      assertThat(new String(logs.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("done\n");
    }
  }

  @Test
  void aMissingImageIsRejectedWithTheEnginesReason() {
    String id = id();
    Task task = busybox("ghost", "true").image("local/missing:0").task(id, 1, NODE);
    assertThatThrownBy(() -> runtime.prepare(task))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessageStartingWith("image local/missing:0 is not on the node and cannot be pulled: ")
        .satisfies(e -> assertThat(e.getMessage().length()).isGreaterThan(60));
    assertThat(engine.labelled(ContainerLabels.TASK_ID, id)).isEmpty();
  }

  @Test
  void aCommandThatCannotStartIsRejectedAndEnded() throws Exception {
    String id = id();
    runtime.prepare(busybox("broken", "/no/such/binary").task(id, 1, NODE));
    assertThatThrownBy(() -> runtime.start(id))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessageContaining("the engine could not start the container")
        .hasMessageContaining("/no/such/binary");
    assertThat(runtime.onExit(id).get(WAIT.toSeconds(), TimeUnit.SECONDS).state()).isEqualTo(RuntimeTask.State.EXITED);
    assertThat(runtime.list(NODE)).filteredOn(t -> t.taskId().equals(id)).singleElement()
        .satisfies(t -> assertThat(t.isLive()).isFalse());
  }

  @Test
  void aUserTheImageDoesNotHaveIsRejectedWithTheEnginesReason() throws Exception {
    String id = id();
    runtime.prepare(busybox("ghost", "true").user("nosuchuser").task(id, 1, NODE));
    assertThatThrownBy(() -> runtime.start(id))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessageContaining("the engine could not start the container")
        .hasMessageContaining("nosuchuser");
  }

  @Test
  void appliesLimitsEnvWorkdirUserReadOnlyMountsAndStopSettings(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("hello.txt"), "from the host");
    dir.toFile().setReadable(true, false);
    dir.resolve("hello.txt").toFile().setReadable(true, false);
    String id = id();
    String volume = "shoal-it-" + id;
    // PID 1 ignores signals it has no handler for: the trap makes SIGUSR1 (and only it) end the task.
    String script = "trap 'exit 42' USR1; cat /host/hello.txt > /vol/copy; touch /rootfs-write 2>/dev/null; "
        + "sleep 600 & wait";
    Task task = busybox("conf", "sh", "-c", script)
        .env("GREETING", "hi").workdir("/tmp").user("0").limits(0.5, "32M").readOnly()
        .mount("bind", dir.toString(), "/host", true).mount("volume", volume, "/vol", false)
        .stopSignal("SIGUSR1").grace("1500ms").task(id, 1, NODE);
    RuntimeTask running = run(task);
    assertThat(running.stopGracePeriod()).isEqualTo(Duration.ofMillis(1500));

    InspectContainerResponse c = inspect(running);
    HostConfig host = c.getHostConfig();
    assertThat(host.getMemory()).isEqualTo(32L << 20);
    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getReadonlyRootfs()).isTrue();
    assertThat(c.getConfig().getEnv()).contains("GREETING=hi");
    assertThat(c.getConfig().getWorkingDir()).isEqualTo("/tmp");
    assertThat(c.getConfig().getUser()).isEqualTo("0");
    assertThat(c.getConfig().getCmd()).containsExactly("sh", "-c", script);
    assertThat(c.getConfig().getLabels()).containsEntry(ContainerLabels.STOP_GRACE_PERIOD, "1.5s");
    assertThat(c.getMounts()).extracting(InspectContainerResponse.Mount::getDestination)
        .extracting(v -> v.getPath()).containsExactlyInAnyOrder("/host", "/vol");
    assertThat(host.getMounts()).extracting(m -> m.getType()).containsExactlyInAnyOrder(MountType.BIND, MountType.VOLUME);

    // The read-only root refuses the write, the bind mount is readable, the volume writable.
    var exec = engine.client().execCreateCmd(running.containerId()).withAttachStdout(true)
        .withCmd("sh", "-c", "cat /vol/copy; test -e /rootfs-write && echo writable || echo read-only").exec();
    StringBuilder out = new StringBuilder();
    engine.client().execStartCmd(exec.getId()).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<
        com.github.dockerjava.api.model.Frame>() {
      @Override
      public void onNext(com.github.dockerjava.api.model.Frame f) {
        out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
      }
    }).awaitCompletion(10, TimeUnit.SECONDS);
    assertThat(out.toString()).isEqualTo("from the hostread-only\n");

    // The stop signal reaches the trap well before the grace period is up; the end reads as a requested stop.
    long before = System.nanoTime();
    runtime.stop(id, running.stopGracePeriod());
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(1500));
    RuntimeTask stopped = runtime.onExit(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(stopped.stopRequested()).isTrue();
    assertThat(stopped.exitCode()).isEqualTo(42);

    runtime.remove(id);
    assertThat(engine.labelled(ContainerLabels.TASK_ID, id)).isEmpty();
    engine.client().removeVolumeCmd(volume).exec();
  }

  @Test
  void reportsHealthFromTheEnginesHealthCheck() throws Exception {
    String healthy = id();
    String sick = id();
    run(httpd("checked").health("200ms", 1, "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/").task(healthy, 1, NODE));
    run(busybox("sick", "sleep", "600").health("200ms", 1, "false").task(sick, 2, NODE));
    await().atMost(WAIT).until(() -> health(healthy), "healthy"::equals);
    await().atMost(WAIT).until(() -> health(sick), "unhealthy"::equals);
    engine.client().killContainerCmd(runtime.list(NODE).stream().filter(t -> t.taskId().equals(healthy))
        .findFirst().orElseThrow().containerId()).exec();
    assertThat(runtime.onExit(healthy).get(WAIT.toSeconds(), TimeUnit.SECONDS).health()).isNull(); // ended: no verdict
    runtime.remove(healthy);
    runtime.remove(sick);
  }

  private static String health(String taskId) {
    return runtime.list(NODE).stream().filter(t -> t.taskId().equals(taskId)).findFirst()
        .map(RuntimeTask::health).orElse(null);
  }

  @Test
  void aNewRuntimeFindsTheContainersOfAnEarlierOne() throws Exception {
    String id = id();
    RuntimeTask running = run(busybox("kept", "sleep", "600").grace("0s").task(id, 1, NODE));
    try (DockerRuntime later = DockerRuntime.connect()) {
      RuntimeTask adopted = later.list(NODE).stream().filter(t -> t.taskId().equals(id)).findFirst().orElseThrow();
      assertThat(adopted.state()).isEqualTo(RuntimeTask.State.RUNNING);
      assertThat(adopted.containerId()).isEqualTo(running.containerId());
      assertThat(adopted.endpoint()).isNull();
      assertThat(adopted.stopGracePeriod()).isEqualTo(Duration.ZERO);
      later.stop(id, adopted.stopGracePeriod());
      RuntimeTask stopped = later.onExit(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(stopped.stopRequested()).isTrue();
      assertThat(stopped.exitCode()).isEqualTo(137);
      later.remove(id);
    }
    assertThat(runtime.list(NODE)).extracting(RuntimeTask::taskId).doesNotContain(id);
    assertThat(runtime.onExit(id)).isCompletedExceptionally();
    assertThat(runtime.version()).startsWith("docker ");
  }
}
