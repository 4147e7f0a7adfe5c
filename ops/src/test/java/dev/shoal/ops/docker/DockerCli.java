package dev.shoal.ops.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code docker} CLI binary, run as a user would: {@code DOCKER_HOST} names the engine
 * (Shoal's gateway, or null for the local engine), with an empty client config so nothing from the
 * machine's {@code ~/.docker} changes what it sends.
 */
final class DockerCli {
  /** What one command printed and how it ended. */
  record Result(int exit, String out, String err, List<String> command) {
    Result ok() {
      if (exit != 0) {
        throw new AssertionError("`" + String.join(" ", command) + "` exited " + exit + "\nstdout:\n" + out
            + "\nstderr:\n" + err);
      }
      return this;
    }

    List<String> lines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "`" + String.join(" ", command) + "` → " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private final String host;
  private final Path config;

  DockerCli(String host, Path config) {
    this.host = host;
    this.config = config;
  }

  Result run(String... args) {
    return run(List.of(args));
  }

  Result run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(args);
    ProcessBuilder pb = builder(command);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = read(p.getInputStream());
      CompletableFuture<String> err = read(p.getErrorStream());
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("`" + String.join(" ", command) + "` did not end within " + TIMEOUT);
      }
      return new Result(p.exitValue(), out.join(), err.join(), command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A command that goes on (e.g. {@code service logs -f}), its output merged, for the caller to read and stop. */
  Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    try {
      Process p = builder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    }
  }

  private ProcessBuilder builder(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.remove("DOCKER_HOST");
    env.remove("DOCKER_CONTEXT");
    env.remove("DOCKER_TLS_VERIFY");
    if (host != null) {
      env.put("DOCKER_HOST", host);
    }
    env.put("DOCKER_CONFIG", config.toString());
    env.put("DOCKER_CLI_HINTS", "false");
    return pb;
  }

  private static CompletableFuture<String> read(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<unreadable: " + e + ">";
      }
    });
  }

  static Path emptyConfig() {
    try {
      return Files.createTempDirectory("shoal-docker-config");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
