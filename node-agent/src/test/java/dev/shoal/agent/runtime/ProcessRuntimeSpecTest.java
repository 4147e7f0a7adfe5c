package dev.shoal.agent.runtime;

import static dev.shoal.agent.runtime.ProcessTasks.log;
import static dev.shoal.agent.runtime.ProcessTasks.run;
import static dev.shoal.agent.runtime.ProcessTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec fields the process runtime honours with real processes, and the ones it refuses with a reason. */
class ProcessRuntimeSpecTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir
  Path dataDir;
  private ProcessTasks tasks;
  private ProcessRuntime runtime;

  @BeforeEach
  void setUp() {
    tasks = new ProcessTasks(dataDir);
    runtime = tasks.runtime();
  }

  @AfterEach
  void tearDown() {
    tasks.close();
  }

  private void refused(String json, String reason) {
    assertThatThrownBy(() -> runtime.prepare(task("refused", json)))
        .isInstanceOf(TaskRejectedException.class).hasMessage(reason);
    assertThat(runtime.list(ProcessTasks.NODE)).isEmpty();
  }

  @Test
  void refusesWhatAPlainProcessCannotHonour() {
    refused("""
        {"command": ["true"], "mounts": [{"type": "bind", "source": "/tmp", "target": "/data"}]}""",
        "process runtime does not support mounts: a process sees the node's own filesystem");
    refused("""
        {"command": ["true"], "readOnly": true}""",
        "process runtime does not support readOnly: a process cannot get a read-only root filesystem of its own");
    refused("""
        {"command": ["true"], "resources": {"limits": {"memory": "64M"}}}""",
        "process runtime does not support resources.limits.memory: it cannot enforce a memory limit on a plain process");
    refused("""
        {"command": ["true"], "resources": {"limits": {"cpus": 0.5}}}""",
        "process runtime does not support resources.limits.cpus: it cannot enforce a CPU limit on a plain process");
    refused("""
        {"command": ["true"], "ports": [{"target": 9000, "protocol": "sctp"}]}""",
        "process runtime does not support sctp ports (ports[0])");
  }

  @Test
  void refusesValuesItCannotUse() {
    refused("""
        {"command": ["true"], "stopSignal": "SIGNOPE"}""",
        "process runtime: stopSignal: unknown signal \"SIGNOPE\" (expected e.g. SIGTERM, SIGINT, SIGUSR1 or 10)");
    refused("""
        {"command": ["true"], "workdir": "relative/dir"}""",
        "process runtime: workdir must be an absolute path, got relative/dir");
    refused("""
        {"command": ["true"], "env": {"A=B": "c"}}""",
        "process runtime: env: \"A=B\" cannot be passed to a process (names must be non-empty without '=', and"
            + " nothing may contain NUL)");
    refused("""
        {"command": ["true"], "ports": [{"target": 0}]}""",
        "process runtime: ports[0]: target must be a port number, got 0");
  }

  @Test
  void acceptsWhatNeedsNoEnforcement() throws Exception {
    // Reservations are the scheduler's, labels are metadata, readOnly false and empty mounts ask for nothing.
    run(runtime, task("fine", """
        {"command": ["sleep", "30"], "readOnly": false, "mounts": [], "labels": {"team": "a"},
         "resources": {"reservations": {"cpus": 0.1, "memory": "16M"}}}"""));
  }

  @Test
  void stopsWithTheSpecsStopSignal() throws Exception {
    run(runtime, task("usr1", """
        {"command": ["sh", "-c", "trap 'echo got USR1; exit 0' USR1; echo ready; while true; do sleep 0.1; done"],
         "stopSignal": "SIGUSR1", "stopGracePeriod": "5s"}"""));
    await().atMost(WAIT).until(() -> log(runtime, "usr1").contains("ready"));
    runtime.stop("usr1", Duration.ofSeconds(5));
    RuntimeTask ended = runtime.onExit("usr1").getNow(null);
    assertThat(ended).isNotNull();
    assertThat(ended.exitCode()).isZero(); // it ended on the trap, not on the SIGKILL after the grace period
    assertThat(log(runtime, "usr1")).contains("got USR1");
  }

  @Test
  void aHostModePortGetsItsPublishedPort() throws Exception {
    int published;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      published = s.getLocalPort();
    }
    RuntimeTask t = run(runtime, task("fixed", """
        {"command": ["sh", "-c", "echo $PORT; sleep 30"],
         "ports": [{"target": 80, "published": %d, "mode": "host"}, {"target": 53, "protocol": "udp"}]}"""
        .formatted(published)));
    assertThat(t.endpoint()).isEqualTo("127.0.0.1:" + published);
    assertThat(t.ports().get(1).protocol()).isEqualTo("udp");
    await().atMost(WAIT).until(() -> log(runtime, "fixed").equals(published + "\n"));
    // A second task cannot have the same host port while the first holds it.
    assertThatThrownBy(() -> runtime.prepare(task("clash", """
        {"command": ["true"], "ports": [{"target": 80, "published": %d, "mode": "host"}]}""".formatted(published))))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: host port " + published + " is already given to another task on node test-node");
  }
}
