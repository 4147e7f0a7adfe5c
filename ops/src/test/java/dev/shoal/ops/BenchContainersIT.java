package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code shoal bench containers} with two containers and one round, as a user runs it: both ways
 * start them on the local engine, the bench prints its table, and nothing it started is left.
 */
class BenchContainersIT {

  @Test
  void aSmallBenchStartsBothWaysAndLeavesNothingBehind() throws Exception {
    requireDocker();
    PrintStream before = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try (PrintStream both = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int c) {
        captured.write(c);
        before.write(c);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        captured.write(b, off, len);
        before.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8)) {
      System.setOut(both);
      exit = Shoal.commandLine().execute("bench", "containers", "--replicas", "2", "--rounds", "1", "--verbose");
    } finally {
      System.setOut(before);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(exit).isZero();
    assertThat(out).containsPattern("\\[bench\\] round 1: docker run [0-9.]+ s, Shoal [0-9.]+ s \\(all placed after [0-9.]+ s\\)");
    assertThat(out).containsPattern("(?m)^\\| 1 \\| [0-9.]+ s \\| [0-9.]+ s \\| [0-9.]+ s \\| [0-9.]+ \\|$");
    assertThat(out).contains("median ratio");
    assertThat(docker("ps", "-aq", "--filter", "label=dev.shoal.bench=containers-raw")).isEmpty();
    assertThat(docker("ps", "-aq", "--filter", "label=dev.shoal.service.name=bench-containers-1")).isEmpty();
  }

  private static void requireDocker() throws Exception {
    String problem = null;
    try {
      Process p = new ProcessBuilder("docker", "image", "inspect", "local/busybox:1").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        problem = "no engine answers, or local/busybox:1 is missing (scripts/setup-machine.sh makes both)";
      }
    } catch (java.io.IOException e) {
      problem = "the docker CLI cannot be run: " + e.getMessage();
    }
    if (problem != null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("bench containers needs Docker under CI: " + problem);
      }
      Assumptions.abort(problem);
    }
  }

  private static String docker(String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("docker"));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    return text;
  }
}
