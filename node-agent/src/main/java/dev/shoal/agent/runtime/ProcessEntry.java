package dev.shoal.agent.runtime;

import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of the process runtime: its record (kept on disk so an agent restarted after a crash
 * finds it), its process while it runs, and a future completed when it ends.
 */
final class ProcessEntry {
  static final String ADOPTED_EXIT = "exit code unknown: the process was adopted after an agent restart";
  static final String GONE_WHILE_AWAY = "exit code unknown: the process ended while the agent was not running";
  private static final Logger LOG = LoggerFactory.getLogger(ProcessEntry.class);

  private final Path dir;
  private final CompletableFuture<RuntimeTask> exit = new CompletableFuture<>();
  private ProcessRecord record;
  private ProcessHandle handle;
  private boolean adopted;

  ProcessEntry(Path dir, ProcessRecord record) {
    this.dir = dir;
    this.record = record;
  }

  static Path recordFile(Path dir) {
    return dir.resolve("task.json");
  }

  /** Where the task's stdout goes; stderr goes to {@link #stderrFile}, so the log shipper can tell them apart. */
  static Path stdoutFile(Path dir) {
    return dir.resolve("stdout.log");
  }

  static Path stderrFile(Path dir) {
    return dir.resolve("stderr.log");
  }

  static Path workDir(Path dir) {
    return dir.resolve("work");
  }

  /** Reads a record written by an earlier agent and finds its process again if it still runs. */
  static ProcessEntry load(Path dir) throws IOException {
    ProcessRecord r = Json.fromBytes(Files.readAllBytes(recordFile(dir)), ProcessRecord.class);
    ProcessEntry e = new ProcessEntry(dir, r);
    if (r.state() == RuntimeTask.State.RUNNING) {
      Optional<ProcessHandle> h = r.pid() == null ? Optional.empty()
          : ProcessHandle.of(r.pid()).filter(ProcessTree::isRunning).filter(p -> isSameProcess(p, r));
      if (h.isPresent()) {
        e.handle = h.get();
        e.adopted = true;
      } else {
        e.exited(null, GONE_WHILE_AWAY);
      }
    }
    return e;
  }

  /**
   * Guards against a reused pid: the start time must be the one recorded at start. Not the
   * executable: a task may exec another program ({@code #!/usr/bin/env python3} scripts, shims,
   * {@code sh -c 'exec …'}), so the one seen right after start need not be the one running later,
   * and a live task taken for gone would be reported lost and left running.
   */
  static boolean isSameProcess(ProcessHandle p, ProcessRecord r) {
    Optional<Long> started = p.info().startInstant().map(Instant::toEpochMilli);
    return r.startedAt() != null && started.isPresent() && Math.abs(started.get() - r.startedAt()) <= 1000;
  }

  String taskId() {
    return record.taskId();
  }

  Path dir() {
    return dir;
  }

  CompletableFuture<RuntimeTask> exit() {
    return exit;
  }

  synchronized ProcessRecord record() {
    return record;
  }

  synchronized RuntimeTask view() {
    ProcessRecord r = record;
    // Health only while it runs, as for a container: a check says nothing about a task that ended.
    String health = r.state() == RuntimeTask.State.RUNNING ? r.health() : null;
    return new RuntimeTask(r.taskId(), r.nodeId(), r.name(), Drivers.PROCESS, r.state(), r.exitCode(),
        r.exitMessage(), r.stopRequested(), health, r.endpoint(), r.ports(),
        r.pid() == null ? null : r.pid().toString(), Duration.ofMillis(r.stopGraceMillis()));
  }

  RuntimeTask start() throws TaskRejectedException {
    Process p = null;
    TaskRejectedException rejected = null;
    synchronized (this) {
      if (record.state() != RuntimeTask.State.CREATED) {
        return view();
      }
      ProcessBuilder pb = new ProcessBuilder(record.commandLine())
          .directory(Path.of(record.workdir()).toFile())
          .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutFile(dir).toFile()))
          .redirectError(ProcessBuilder.Redirect.appendTo(stderrFile(dir).toFile()));
      pb.environment().putAll(record.env());
      try {
        p = pb.start();
        ProcessHandle.Info info = p.info();
        record = record.started(p.pid(), info.startInstant().map(Instant::toEpochMilli).orElse(null),
            info.command().orElse(null));
        handle = p.toHandle();
        save();
      } catch (IOException | RuntimeException e) {
        rejected = new TaskRejectedException("cannot start " + record.argv().get(0) + ": " + e.getMessage(), e);
      }
    }
    if (rejected != null) {
      exited(null, rejected.getMessage());
      throw rejected;
    }
    // Registered outside the lock: a process that already ended completes the future at once.
    p.onExit().thenAccept(done -> exited(done.exitValue(), null));
    return view();
  }

  synchronized boolean isRunning() {
    return record.state() == RuntimeTask.State.RUNNING;
  }

  /** Records a new health status (kept on disk, so an agent that adopts the task resumes from it). */
  void health(String status) {
    synchronized (this) {
      if (record.state() != RuntimeTask.State.RUNNING) {
        return;
      }
      record = record.withHealth(status);
      save();
    }
  }

  /**
   * Marks the entry stopped on request and returns the process to signal, or null if there is none.
   * A prepared task that never started simply ends.
   */
  ProcessHandle requestStop() {
    synchronized (this) {
      if (record.state() == RuntimeTask.State.RUNNING && handle != null) {
        record = record.stopping();
        save();
        return handle;
      }
      if (record.state() != RuntimeTask.State.CREATED) {
        return null;
      }
      record = record.stopping();
    }
    exited(null, "stopped before it started");
    return null;
  }

  /** Adopted processes are not our children: the JDK cannot tell their end reliably, so we look. */
  void pollAdopted() {
    ProcessHandle h;
    synchronized (this) {
      h = adopted ? handle : null;
    }
    if (h != null && !ProcessTree.isRunning(h)) {
      exited(null, ADOPTED_EXIT);
    }
  }

  synchronized List<Integer> hostPorts() {
    return record.ports().stream().map(b -> b.hostPort()).toList();
  }

  void exited(Integer code, String message) {
    RuntimeTask v;
    synchronized (this) {
      if (record.state() == RuntimeTask.State.EXITED) {
        return;
      }
      record = record.exited(code, message);
      handle = null;
      save();
      v = view();
    }
    exit.complete(v);
  }

  /** Written atomically: a crash mid-write must not lose the pid of a running process. */
  synchronized void save() {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("task.json.tmp");
      Files.write(tmp, Json.toBytes(record));
      Files.move(tmp, recordFile(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot write the record of task {} to {}: {} (an agent restarted after a crash will not find it)",
          record.taskId(), dir, e.toString());
    }
  }
}
