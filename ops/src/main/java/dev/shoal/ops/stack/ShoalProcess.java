package dev.shoal.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Shoal component running as a child JVM ({@code shoal <subcommand> …}), its stdout and stderr
 * appended to a log file. {@link #kill()} is SIGKILL, {@link #stop(Duration)} SIGTERM (the
 * component's shutdown hook runs) with SIGKILL after the timeout. Can be started again after it
 * ended, with the same command and log. {@link #freeze()} and {@link #thaw()} are SIGSTOP and SIGCONT.
 */
public final class ShoalProcess {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  /** Where this run's output starts in the log: what came before is an earlier run's. */
  private long runStart;

  ShoalProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** Starts the process; a second start needs the first run to have ended. */
  public synchronized ShoalProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    try {
      runStart = Files.exists(log) ? Files.size(log) : 0;
      Files.writeString(log, "---- " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    return this;
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash or a power cut would end it: no shutdown hook runs. Waits until it is gone. */
  public void kill() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null) {
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(30));
    }
  }

  /**
   * SIGSTOP: the process is frozen — no thread runs, its sockets stay open and the kernel keeps
   * queueing what peers send — as a long GC pause, a starved host or a hung VM would freeze it.
   */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT: a {@link #freeze() frozen} process goes on where it stopped. */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + this.name + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended within {@code timeout}. */
  public void stop(Duration timeout) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!waitFor(p, timeout)) {
        kill();
      }
    }
  }

  /** Waits until this run's part of the log contains {@code text}, failing early if the process ends first. */
  public void awaitOutput(String text, Duration timeout) {
    Poll.until(name + " to print \"" + text + "\"", timeout, () -> {
      if (outputOfThisRun().contains(text)) {
        return true;
      }
      if (!isAlive()) {
        throw new IllegalStateException(name + " ended before printing \"" + text + "\":\n" + tail(40));
      }
      return false;
    });
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** What the current (or last) run printed. */
  public String outputOfThisRun() {
    long from;
    synchronized (this) {
      from = runStart;
    }
    try {
      byte[] all = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
      int start = (int) Math.min(from, all.length);
      return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
