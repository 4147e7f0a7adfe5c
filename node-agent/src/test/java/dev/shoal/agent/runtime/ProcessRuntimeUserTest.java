package dev.shoal.agent.runtime;

import static dev.shoal.agent.runtime.ProcessTasks.log;
import static dev.shoal.agent.runtime.ProcessTasks.procStatus;
import static dev.shoal.agent.runtime.ProcessTasks.run;
import static dev.shoal.agent.runtime.ProcessTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.agent.TestPreconditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's {@code user} with real processes: switching needs an agent running as root and setpriv. */
class ProcessRuntimeUserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir
  Path dataDir;
  private ProcessTasks tasks;

  @BeforeEach
  void setUp() {
    tasks = new ProcessTasks(dataDir);
  }

  @AfterEach
  void tearDown() {
    tasks.close();
  }

  private static void requireRootAndSetpriv() {
    TestPreconditions.require(TaskUsers.Credentials.ofThisProcess().isRoot(), "running a task as another user needs root");
    TestPreconditions.require(HostTools.find().setpriv() != null, "setpriv (util-linux) is not installed");
  }

  @Test
  void runsTheTaskAsTheNamedUserWithItsGroupAndHome() throws Exception {
    requireRootAndSetpriv();
    ProcessRuntime r = tasks.runtime();
    RuntimeTask t = run(r, task("nobody1", """
        {"command": ["sh", "-c", "id -u; id -g; echo $HOME $USER; touch written-here && echo wrote; exec sleep 60"],
         "user": "nobody"}"""));
    long pid = Long.parseLong(t.containerId());
    await().atMost(WAIT).until(() -> log(r, "nobody1").contains("wrote"));
    assertThat(log(r, "nobody1")).startsWith("65534\n65534\n/nonexistent nobody\nwrote\n");
    // The process itself, not only what it printed: real, effective, saved and fs uid are all nobody's.
    assertThat(procStatus(pid, "Uid:").split("\\s+")).containsExactly("Uid:", "65534", "65534", "65534", "65534");
    assertThat(dataDir.resolve("tasks/nobody1/work/written-here")).exists();
  }

  @Test
  void takesUidColonGidAndNameColonGroup() throws Exception {
    requireRootAndSetpriv();
    ProcessRuntime r = tasks.runtime();
    run(r, task("ids", """
        {"command": ["sh", "-c", "echo $(id -u):$(id -g):$(id -G)"], "user": "4321:4322"}"""));
    run(r, task("named", """
        {"command": ["sh", "-c", "echo $(id -u):$(id -g)"], "user": "nobody:root"}"""));
    r.onExit("ids").get(10, TimeUnit.SECONDS);
    r.onExit("named").get(10, TimeUnit.SECONDS);
    // A uid without a passwd entry gets no supplementary groups, certainly not the agent's (root's).
    assertThat(log(r, "ids")).isEqualTo("4321:4322:4322\n");
    assertThat(log(r, "named")).isEqualTo("65534:0\n");
  }

  @Test
  void aUserThatDoesNotExistIsRejectedNamingTheFieldAndTheNode() {
    ProcessRuntime r = tasks.runtime();
    assertThatThrownBy(() -> r.prepare(task("ghost", """
        {"command": ["true"], "user": "nosuchuser"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: user \"nosuchuser\" does not exist on node test-node");
    assertThatThrownBy(() -> r.prepare(task("ghostgroup", """
        {"command": ["true"], "user": "nobody:nosuchgroup"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: group \"nosuchgroup\" (user \"nobody:nosuchgroup\") does not exist on node test-node");
    assertThatThrownBy(() -> r.prepare(task("baduid", """
        {"command": ["true"], "user": "4321"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessageStartingWith("process runtime: user \"4321\" does not exist on node test-node");
    assertThatThrownBy(() -> r.prepare(task("odd", """
        {"command": ["true"], "user": "-rf:x:y"}""")))
        .isInstanceOf(TaskRejectedException.class).hasMessageContaining("is not a name, uid");
    assertThat(r.list(ProcessTasks.NODE)).isEmpty();
  }

  @Test
  void anAgentThatIsNotRootRunsTasksOnlyAsItself() throws Exception {
    ProcessRuntime r = tasks.runtime(HostTools.find(), new TaskUsers.Credentials(65534, 65534));
    assertThatThrownBy(() -> r.prepare(task("other", """
        {"command": ["true"], "user": "root"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: cannot run as user \"root\" on node test-node: the agent runs as uid 65534,"
            + " not as root, so it runs tasks only as itself");
    // Its own user needs no switch at all: the task simply runs, without setpriv.
    r.prepare(task("self", """
        {"command": ["true"], "user": "nobody"}"""));
    assertThat(Files.readString(dataDir.resolve("tasks/self/task.json"))).doesNotContain("setpriv");
  }

  @Test
  void withoutSetprivATaskForAnotherUserIsRejected() {
    ProcessRuntime r = tasks.runtime(new HostTools(null, "/bin/kill", HostTools.onPath("getent")),
        new TaskUsers.Credentials(0, 0));
    assertThatThrownBy(() -> r.prepare(task("nopriv", """
        {"command": ["true"], "user": "nobody"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("process runtime: user \"nobody\" needs setpriv (util-linux), which is not installed on node test-node");
  }

  @Test
  void aMissingCommandRunAsAnotherUserIsRejectedLikeOneRunAsTheAgent() {
    requireRootAndSetpriv();
    ProcessRuntime r = tasks.runtime();
    assertThatThrownBy(() -> r.prepare(task("nocmd", """
        {"command": ["shoal-no-such-command-xyz"], "user": "nobody"}""")))
        .isInstanceOf(TaskRejectedException.class)
        .hasMessage("cannot start shoal-no-such-command-xyz: No such file or directory");
  }
}
