package dev.shoal.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the launcher jar ({@code shoal.jar}, built by {@code package}) as a separate process, as a user
 * would, with stdout and stderr kept apart so the tests can read exactly what each says.
 */
final class Launcher {
  private static final String JAVA = ProcessHandle.current().info().command()
      .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

  private final Path workDir;
  private final Map<String, String> env;
  private int runs;

  /** @param workDir the processes' working directory (where relative paths such as {@code data/agent} land) */
  Launcher(Path workDir, Map<String, String> env) {
    this.workDir = workDir;
    this.env = Map.copyOf(env);
  }

  /** What a finished run printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.lines().toList();
    }
  }

  /** A run still going: its process and where its output goes. */
  record Running(Process process, Path stdout, Path stderr) {
    String output() {
      return read(stdout) + read(stderr);
    }
  }

  static String jar() {
    String jar = System.getProperty("shoal.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("the launcher jar is missing (" + jar + "): run the ops ITs with mvn verify");
    }
    return jar;
  }

  Running start(String... args) {
    int n = ++runs;
    Path out = workDir.resolve("run-" + n + ".out");
    Path err = workDir.resolve("run-" + n + ".err");
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData", "-jar", jar()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    try {
      return new Running(pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to the end (at most {@code timeout}, then the process is killed and the test fails). */
  Result run(Duration timeout, String... args) {
    Running r = start(args);
    try {
      if (!r.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        r.process().destroyForcibly();
        throw new AssertionError("shoal " + String.join(" ", args) + " did not end within " + timeout + ":\n" + r.output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Result(r.process().exitValue(), read(r.stdout()), read(r.stderr()));
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
