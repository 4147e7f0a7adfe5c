package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runtime when the agent's JVM exits: normally (shutdown hook) or killed (the next agent cleans up). */
class ProcessRuntimeJvmTest {
  @TempDir
  Path dataDir;

  private Process childJvm(String mode) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), RuntimeInChildJvm.class.getName(), dataDir.toString(), mode)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static long taskPid(Process jvm) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    return Long.parseLong(out.readLine().trim());
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
  }

  @Test
  void aJvmThatExitsNormallyLeavesNoTaskBehind() throws Exception {
    Process jvm = childJvm("exit");
    long pid = taskPid(jvm);
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(running(pid)).isFalse();
  }

  @Test
  void theTaskOfAKilledAgentIsFoundAndStoppedByTheNextOne() throws Exception {
    Process jvm = childJvm("wait");
    long pid = taskPid(jvm);
    jvm.destroyForcibly();
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(running(pid)).isTrue(); // a crash leaves it running

    ProcessRuntime next = new ProcessRuntime(dataDir);
    try {
      RuntimeTask found = next.list("node1").get(0);
      assertThat(found.state()).isEqualTo(RuntimeTask.State.RUNNING);
      assertThat(found.containerId()).isEqualTo(Long.toString(pid));
      next.stop("child", Duration.ofSeconds(2));
      assertThat(running(pid)).isFalse();
      assertThat(next.onExit("child").get(5, TimeUnit.SECONDS).stopRequested()).isTrue();
    } finally {
      next.close();
    }
  }
}
