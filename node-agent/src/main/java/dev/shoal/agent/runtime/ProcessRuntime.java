package dev.shoal.agent.runtime;

import dev.shoal.schemas.Drivers;
import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} driver, like Nomad's {@code raw_exec}: runs a spec's {@code command} +
 * {@code args} as a child process of the agent, for specs without an image.
 *
 * <p>Each task gets {@code <data dir>/tasks/<task id>/} holding {@code task.json} (its record with
 * the pid), {@code output.log} (stdout and stderr, interleaved as written) and {@code work/} (the
 * working directory unless the spec sets one). Each target port gets a free port on 127.0.0.1,
 * passed as {@code PORT_<target>} and, for the first, {@code PORT}; see {@link ProcessLaunch}.
 *
 * <p>A stop sends SIGTERM to the process and its descendants and SIGKILL after the grace period
 * (the spec's {@code stopSignal} cannot be honoured from Java). Records on disk let a restarted agent
 * find processes an earlier one started: those still running are adopted (their exit code cannot be
 * learnt), the others read as exited. When the JVM exits, a shutdown hook stops whatever still runs.
 */
public final class ProcessRuntime implements ContainerRuntime {
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  /** How long the JVM shutdown hook lets a task stop before killing it. */
  static final Duration HOOK_GRACE_CAP = Duration.ofSeconds(10);
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

  private final Path tasksDir;
  private final Map<String, ProcessEntry> entries = new ConcurrentHashMap<>();
  private final PortAllocator ports = new PortAllocator();
  private final ScheduledExecutorService adoptedWatcher;
  private final Thread shutdownHook;

  /** Uses {@code dataDir} for task records, logs and working directories; adopts what an earlier agent left there. */
  public ProcessRuntime(Path dataDir) {
    this.tasksDir = dataDir.resolve("tasks");
    try {
      Files.createDirectories(tasksDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + tasksDir, e);
    }
    loadRecords();
    adoptedWatcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shoal-process-watcher"));
    adoptedWatcher.scheduleWithFixedDelay(() -> entries.values().forEach(ProcessEntry::pollAdopted),
        500, 500, TimeUnit.MILLISECONDS);
    shutdownHook = new Thread(() -> stopAll(HOOK_GRACE_CAP), "shoal-process-runtime-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public String name() {
    return Drivers.PROCESS;
  }

  @Override
  public String driver() {
    return Drivers.PROCESS;
  }

  /** The JVM's version: processes run under no engine but the agent itself. */
  @Override
  public String version() {
    return "java " + Runtime.version();
  }

  @Override
  public RuntimeTask prepare(Task task) throws TaskRejectedException {
    ProcessEntry existing = entries.get(task.id());
    if (existing != null) {
      return existing.view();
    }
    ServiceSpec spec = checkRunnable(task);
    Duration grace;
    try {
      grace = Durations.parseOr(spec.stopGracePeriod(), DEFAULT_STOP_GRACE);
    } catch (IllegalArgumentException e) {
      throw new TaskRejectedException("stopGracePeriod: " + e.getMessage());
    }
    Path dir = tasksDir.resolve(task.id());
    Path workdir = spec.workdir() != null ? Path.of(spec.workdir()) : ProcessEntry.workDir(dir);
    if (spec.workdir() != null && !Files.isDirectory(workdir)) {
      throw new TaskRejectedException("working directory " + workdir + " does not exist");
    }
    List<Integer> targets = spec.ports() == null ? List.of()
        : spec.ports().stream().map(ServiceSpec.PortConfig::target).toList();
    List<Integer> hostPorts = allocatePorts(targets.size());
    List<TaskStatus.PortBinding> bindings = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      String protocol = spec.ports().get(i).protocol();
      bindings.add(new TaskStatus.PortBinding(targets.get(i), "127.0.0.1", hostPorts.get(i),
          protocol == null ? "tcp" : protocol));
    }
    Map<String, String> env = ProcessLaunch.environment(task, targets, hostPorts);
    ProcessRecord record = new ProcessRecord(task.id(), task.nodeId(), RuntimeNames.of(task),
        ProcessLaunch.argv(spec, env), env, workdir.toString(), bindings,
        hostPorts.isEmpty() ? null : "127.0.0.1:" + hostPorts.get(0), grace.toMillis(),
        RuntimeTask.State.CREATED, null, null, null, null, null, false);
    try {
      Files.createDirectories(ProcessEntry.workDir(dir));
    } catch (IOException e) {
      ports.release(hostPorts);
      throw new TaskRejectedException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    ProcessEntry entry = new ProcessEntry(dir, record);
    entry.save();
    ProcessEntry raced = entries.putIfAbsent(task.id(), entry);
    if (raced != null) {
      ports.release(hostPorts);
      return raced.view();
    }
    return entry.view();
  }

  private static ServiceSpec checkRunnable(Task task) throws TaskRejectedException {
    if (task.id() == null || !SAFE_ID.matcher(task.id()).matches() || task.id().contains("..")) {
      throw new TaskRejectedException("task id " + task.id() + " is not usable as a directory name");
    }
    ServiceSpec spec = task.spec();
    if (spec == null) {
      throw new TaskRejectedException("the task has no spec");
    }
    if (spec.image() != null && !spec.image().isBlank()) {
      throw new TaskRejectedException("the process driver runs commands, not images (" + spec.image() + ")");
    }
    if (spec.command() == null || spec.command().isEmpty()) {
      throw new TaskRejectedException("a process task needs a command");
    }
    return spec;
  }

  private List<Integer> allocatePorts(int n) throws TaskRejectedException {
    List<Integer> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        out.add(ports.allocate());
      }
      return out;
    } catch (IOException e) {
      ports.release(out);
      throw new TaskRejectedException(e.getMessage(), e);
    }
  }

  @Override
  public RuntimeTask start(String taskId) throws TaskRejectedException {
    return require(taskId).start();
  }

  @Override
  public CompletableFuture<RuntimeTask> onExit(String taskId) {
    ProcessEntry e = entries.get(taskId);
    return e != null ? e.exit() : CompletableFuture.failedFuture(new NoSuchElementException("unknown task " + taskId));
  }

  @Override
  public void stop(String taskId, Duration grace) {
    ProcessEntry e = entries.get(taskId);
    if (e == null) {
      return;
    }
    ProcessHandle h = e.requestStop();
    if (h != null) {
      ProcessTree.terminate(h, grace);
      e.pollAdopted();
      // Our own child's exit code arrives through Process.onExit on the JDK's reaper thread.
      try {
        e.exit().get(ProcessTree.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException notYet) {
        LOG.warn("task {} did not end within {} after SIGKILL", taskId, ProcessTree.KILL_WAIT);
      }
    }
  }

  @Override
  public void remove(String taskId) {
    ProcessEntry e = entries.get(taskId);
    if (e == null) {
      return;
    }
    stop(taskId, Duration.ZERO);
    entries.remove(taskId, e);
    ports.release(e.hostPorts());
    deleteTree(e.dir());
  }

  @Override
  public List<RuntimeTask> list(String nodeId) {
    return entries.values().stream()
        .map(ProcessEntry::view)
        .filter(v -> nodeId.equals(v.nodeId()))
        .sorted(Comparator.comparing(RuntimeTask::taskId))
        .toList();
  }

  @Override
  public InputStream logs(String taskId) throws IOException {
    return Files.newInputStream(logFile(taskId));
  }

  /** Where the task's output goes; it stays until the task is removed, for log shipping. */
  public Path logFile(String taskId) {
    return ProcessEntry.logFile(tasksDir.resolve(taskId));
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it does the same work
    }
    stopAll(HOOK_GRACE_CAP);
    adoptedWatcher.shutdownNow();
  }

  /** Stops every live task at once, each with its own grace period capped at {@code cap}. */
  private void stopAll(Duration cap) {
    List<Thread> stoppers = new ArrayList<>();
    for (ProcessEntry e : entries.values()) {
      RuntimeTask v = e.view();
      if (v.isLive()) {
        Duration grace = v.stopGracePeriod().compareTo(cap) < 0 ? v.stopGracePeriod() : cap;
        Thread t = daemon(() -> stop(v.taskId(), grace), "shoal-process-stop-" + v.taskId());
        t.start();
        stoppers.add(t);
      }
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ProcessEntry require(String taskId) {
    ProcessEntry e = entries.get(taskId);
    if (e == null) {
      throw new NoSuchElementException("task " + taskId + " is not prepared");
    }
    return e;
  }

  private void loadRecords() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasksDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        if (!Files.exists(ProcessEntry.recordFile(dir))) {
          continue;
        }
        try {
          ProcessEntry e = ProcessEntry.load(dir);
          entries.put(e.taskId(), e);
          if (e.view().isLive()) {
            ports.hold(e.hostPorts());
            LOG.info("found task {} (pid {}) started by an earlier agent", e.taskId(), e.view().containerId());
          }
        } catch (IOException | RuntimeException ex) {
          LOG.warn("ignoring unreadable task record in {}: {}", dir, ex.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tasksDir, e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.toString());
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
