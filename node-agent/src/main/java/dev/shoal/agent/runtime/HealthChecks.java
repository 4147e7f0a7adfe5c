package dev.shoal.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the health checks of the process runtime's tasks, as the Docker engine runs a container's:
 * the first check {@code interval} after the task starts, the next {@code interval} after each one
 * ends, each in the task's environment, working directory and user, killed (and failed) after
 * {@code timeout}; {@link HealthState} turns results into a status. A change is saved in the task's
 * record and announced to the runtime's listeners, which make the agent report it.
 *
 * <p>Cheap by construction: one scheduler thread for every task. It only starts check processes and
 * takes in their ends (the JDK's reaper thread hands them over); nothing waits on a check.
 */
final class HealthChecks {
  static final String OUTPUT_FILE = "health.log";
  private static final int LOGGED_OUTPUT = 200;
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

  private final ScheduledExecutorService scheduler;
  private final Runnable changed;
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();

  /**
   * @param scheduler runs every check's bookkeeping; must be single-threaded
   * @param changed told when a task's health status changes
   */
  HealthChecks(ScheduledExecutorService scheduler, Runnable changed) {
    this.scheduler = scheduler;
    this.changed = changed;
  }

  /**
   * Starts checking a running task that has a check; no-op otherwise, or if it is checked already.
   *
   * @param justStarted the task started a moment ago; otherwise (adopted) it started at its record's
   *     {@code startedAt}, as the OS reported it
   */
  void watch(ProcessEntry entry, boolean justStarted) {
    ProcessRecord r = entry.record();
    if (r.healthcheck() == null || !entry.isRunning()) {
      return;
    }
    // The start period counts on the monotonic clock from when we started the task: the OS's start
    // instant is derived from boot time and can be off by a good part of a second.
    long startNanos = System.nanoTime();
    if (!justStarted && r.startedAt() != null) {
      startNanos -= TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - r.startedAt()));
    }
    Probe p = new Probe(entry, r, startNanos);
    if (probes.putIfAbsent(entry.taskId(), p) != null) {
      return;
    }
    try {
      scheduler.execute(() -> p.schedule(r.healthcheck().intervalMillis()));
      entry.exit().whenComplete((v, e) -> onScheduler(() -> unwatch(entry.taskId())));
    } catch (RejectedExecutionException closing) {
      probes.remove(entry.taskId(), p);
    }
  }

  /** Kills every check under way; call when the scheduler is shut down. */
  void close() {
    probes.values().forEach(Probe::killRunning);
    probes.clear();
  }

  private void unwatch(String taskId) {
    Probe p = probes.remove(taskId);
    if (p != null) {
      p.cancel();
    }
  }

  private void onScheduler(Runnable r) {
    try {
      scheduler.execute(r);
    } catch (RejectedExecutionException closing) {
      // the runtime is closing: close() kills what runs
    }
  }

  /** One task's checks. Every method but {@link #killRunning} runs on the scheduler thread. */
  private final class Probe {
    private final ProcessEntry entry;
    private final ProcessRecord record;
    private final HealthSpec spec;
    private final HealthState state;
    private final long startNanos;
    private ScheduledFuture<?> next;
    private volatile Process running;
    private boolean cancelled;

    Probe(ProcessEntry entry, ProcessRecord record, long startNanos) {
      this.entry = entry;
      this.startNanos = startNanos;
      this.record = record;
      this.spec = record.healthcheck();
      this.state = new HealthState(spec.retries(), spec.startPeriodMillis(), record.health());
    }

    void schedule(long delayMillis) {
      if (!cancelled) {
        next = scheduler.schedule(this::run, delayMillis, TimeUnit.MILLISECONDS);
      }
    }

    private void run() {
      if (cancelled || !entry.isRunning()) {
        return;
      }
      long sinceStart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      Process p;
      try {
        p = builder().start();
      } catch (IOException | RuntimeException e) {
        finish(false, "cannot run the check: " + e.getMessage(), sinceStart);
        return;
      }
      running = p;
      boolean[] timedOut = {false};
      ScheduledFuture<?> timeout = scheduler.schedule(() -> {
        timedOut[0] = true;
        kill(p);
      }, spec.timeoutMillis(), TimeUnit.MILLISECONDS);
      p.onExit().thenRunAsync(() -> {
        timeout.cancel(false);
        running = null;
        boolean passed = !timedOut[0] && p.exitValue() == 0;
        String why = timedOut[0] ? "the check exceeded its timeout (" + spec.timeoutMillis() + "ms) and was killed"
            : "the check exited with " + p.exitValue();
        finish(passed, why, sinceStart);
      }, scheduler).exceptionally(e -> null); // rejected: the runtime closed meanwhile
    }

    private ProcessBuilder builder() {
      Path out = entry.dir().resolve(OUTPUT_FILE);
      ProcessBuilder pb = new ProcessBuilder(HealthChecks.commandLine(record)).directory(Path.of(record.workdir()).toFile())
          .redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().putAll(record.env());
      return pb;
    }

    private void finish(boolean passed, String why, long sinceStart) {
      if (cancelled) {
        return;
      }
      if (state.record(passed, sinceStart)) {
        entry.health(state.status());
        LOG.info("task {} is {}: {}{}", entry.taskId(), state.status(), passed ? "the check passed" : why, output());
        changed.run();
      }
      // As the engine does: the next check starts an interval after this one ended, so checks never overlap.
      schedule(spec.intervalMillis());
    }

    private String output() {
      try {
        String s = Files.readString(entry.dir().resolve(OUTPUT_FILE), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "" : " (output: " + (s.length() > LOGGED_OUTPUT ? s.substring(0, LOGGED_OUTPUT) + "…" : s) + ")";
      } catch (IOException | RuntimeException e) {
        return "";
      }
    }

    void cancel() {
      cancelled = true;
      if (next != null) {
        next.cancel(false);
      }
      killRunning();
    }

    void killRunning() {
      Process p = running;
      if (p != null) {
        kill(p);
      }
    }
  }

  /** The check's command line: as the task's user when the task switches user. */
  static java.util.List<String> commandLine(ProcessRecord r) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    if (r.launcher() != null) {
      cmd.addAll(r.launcher());
    }
    cmd.addAll(r.healthcheck().argv());
    return cmd;
  }

  private static void kill(Process p) {
    ProcessTree.treeOf(p.toHandle()).forEach(ProcessHandle::destroyForcibly);
  }
}
