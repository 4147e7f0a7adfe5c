package dev.shoal.agent.runtime;

import dev.shoal.schemas.Drivers;
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
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@code args} as a child process of the agent, for specs without an image. What becomes of each
 * spec field, and which ones it refuses, is {@link ProcessSpecs}'s business.
 *
 * <p>Each task gets {@code <data dir>/tasks/<task id>/} holding {@code task.json} (its record with
 * the pid), {@code stdout.log} and {@code stderr.log} (its output, which the log shipper reads), {@code health.log} (the
 * last health check's output) and {@code work/} (the working directory unless the spec sets one).
 * Each target port gets a free port on 127.0.0.1, passed as {@code PORT_<target>} and, for the first,
 * {@code PORT}; see {@link ProcessLaunch}. A task with a {@code user} runs as that user through
 * {@code setpriv} ({@link TaskUsers}); its health check runs as it does ({@link HealthChecks}).
 *
 * <p>A stop sends the spec's stop signal (SIGTERM by default) to the process and its descendants
 * and SIGKILL after the grace period. Records on disk let a restarted agent find processes an
 * earlier one started: those still running are adopted (their exit code cannot be learnt) and
 * health-checked again, the others read as exited. When the JVM exits, a shutdown hook stops
 * whatever still runs.
 */
public final class ProcessRuntime implements ContainerRuntime {
  public static final Duration DEFAULT_STOP_GRACE = ProcessSpecs.DEFAULT_STOP_GRACE;
  /** How long the JVM shutdown hook lets a task stop before killing it. */
  static final Duration HOOK_GRACE_CAP = Duration.ofSeconds(10);
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

  private final Path tasksDir;
  private final String node;
  private final HostTools tools;
  private final TaskUsers users;
  private final Map<String, ProcessEntry> entries = new ConcurrentHashMap<>();
  private final PortAllocator ports = new PortAllocator();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** One thread for watching adopted processes and for every health check. */
  private final ScheduledExecutorService scheduler;
  private final HealthChecks health;
  private final Thread shutdownHook;

  /** A runtime on this host, named by its host name in the reasons it gives. */
  public ProcessRuntime(Path dataDir) {
    this(dataDir, localHostName());
  }

  /**
   * Uses {@code dataDir} for task records, logs and working directories; adopts what an earlier agent
   * left there. {@code node} names the node in the reasons users read (e.g. its hostname).
   */
  public ProcessRuntime(Path dataDir, String node) {
    this(dataDir, node, HostTools.find(), TaskUsers.Credentials.ofThisProcess());
  }

  ProcessRuntime(Path dataDir, String node, HostTools tools, TaskUsers.Credentials agent) {
    this.tasksDir = dataDir.resolve("tasks");
    this.node = node;
    this.tools = tools;
    this.users = new TaskUsers(tools, agent, node);
    try {
      Files.createDirectories(tasksDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + tasksDir, e);
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "shoal-process-watcher"));
    health = new HealthChecks(scheduler, this::changed);
    loadRecords();
    scheduler.scheduleWithFixedDelay(() -> entries.values().forEach(ProcessEntry::pollAdopted),
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

  /** Health changes are announced here, as the Docker runtime announces the engine's health events. */
  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public RuntimeTask prepare(Task task) throws TaskRejectedException {
    ProcessEntry existing = entries.get(task.id());
    if (existing != null) {
      return existing.view();
    }
    ServiceSpec spec = checkRunnable(task);
    ProcessSpecs.refuseUnsupported(spec);
    ProcessSpecs.checkEnv(spec.env());
    Duration grace = ProcessSpecs.stopGrace(spec);
    String stopSignal = ProcessSpecs.stopSignal(spec, tools, node);
    Path dir = tasksDir.resolve(task.id());
    Path workdir = ProcessSpecs.workdir(spec, ProcessEntry.workDir(dir));
    TaskUser user = users.resolve(spec.user());
    List<ProcessSpecs.PortRequest> requests = ProcessSpecs.ports(spec);
    List<Integer> hostPorts = allocatePorts(requests);
    try {
      ProcessEntry entry = new ProcessEntry(dir, record(task, spec, requests, hostPorts, user, workdir, grace, stopSignal));
      createWorkDir(dir, user);
      entry.save();
      ProcessEntry raced = entries.putIfAbsent(task.id(), entry);
      if (raced != null) {
        ports.release(hostPorts);
        return raced.view();
      }
      return entry.view();
    } catch (TaskRejectedException | RuntimeException e) {
      ports.release(hostPorts);
      throw e;
    }
  }

  private ProcessRecord record(Task task, ServiceSpec spec, List<ProcessSpecs.PortRequest> requests,
                               List<Integer> hostPorts, TaskUser user, Path workdir, Duration grace, String stopSignal)
      throws TaskRejectedException {
    List<Integer> targets = requests.stream().map(ProcessSpecs.PortRequest::target).toList();
    List<TaskStatus.PortBinding> bindings = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      bindings.add(new TaskStatus.PortBinding(targets.get(i), "127.0.0.1", hostPorts.get(i), requests.get(i).protocol()));
    }
    Map<String, String> env = ProcessLaunch.environment(task, user, targets, hostPorts);
    List<String> argv = ProcessLaunch.argv(spec, env);
    // Through setpriv a missing program would start and fail with 127; without it the OS refuses at start.
    if (user.switches() && !ProcessLaunch.executable(argv.get(0), env, workdir)) {
      throw new TaskRejectedException("cannot start " + argv.get(0) + ": No such file or directory");
    }
    HealthSpec check = ProcessSpecs.health(spec, env);
    return new ProcessRecord(task.id(), task.nodeId(), RuntimeNames.of(task), argv, env, workdir.toString(), bindings,
        hostPorts.isEmpty() ? null : "127.0.0.1:" + hostPorts.get(0), grace.toMillis(),
        RuntimeTask.State.CREATED, null, null, null, null, null, false, user.launcher(), stopSignal, check, null);
  }

  /** The task's own directory; its work directory belongs to the task's user, who must be able to write there. */
  private static void createWorkDir(Path dir, TaskUser user) throws TaskRejectedException {
    Path work = ProcessEntry.workDir(dir);
    try {
      Files.createDirectories(work);
      if (user.switches()) {
        Files.setAttribute(work, "unix:uid", (int) user.uid());
        Files.setAttribute(work, "unix:gid", (int) user.gid());
      }
    } catch (IOException | RuntimeException e) {
      throw new TaskRejectedException("cannot create " + work + ": " + e.getMessage(), e);
    }
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

  private List<Integer> allocatePorts(List<ProcessSpecs.PortRequest> requests) throws TaskRejectedException {
    List<Integer> out = new ArrayList<>();
    try {
      for (ProcessSpecs.PortRequest r : requests) {
        if (r.fixedHostPort() != null) {
          ports.reserve(r.fixedHostPort(), r.protocol());
          out.add(r.fixedHostPort());
        } else {
          out.add(ports.allocate(r.protocol()));
        }
      }
      return out;
    } catch (IOException e) {
      ports.release(out);
      throw new TaskRejectedException(ProcessSpecs.PREFIX + ": " + e.getMessage() + " on node " + node, e);
    }
  }

  @Override
  public RuntimeTask start(String taskId) throws TaskRejectedException {
    ProcessEntry e = require(taskId);
    RuntimeTask started = e.start();
    health.watch(e, true);
    return started;
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
      ProcessTree.terminate(h, grace, e.record().stopSignal(), tools.kill());
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

  /** The task's stdout, then its stderr (kept in two files, so the log shipper can tell them apart). */
  @Override
  public InputStream logs(String taskId) throws IOException {
    Path dir = tasksDir.resolve(taskId);
    return new java.io.SequenceInputStream(readOrEmpty(ProcessEntry.stdoutFile(dir)),
        readOrEmpty(ProcessEntry.stderrFile(dir)));
  }

  private static InputStream readOrEmpty(Path file) throws IOException {
    return Files.exists(file) ? Files.newInputStream(file) : InputStream.nullInputStream();
  }

  /** Each task's stdout and stderr files, read from byte offsets; they stay until the task is removed. */
  @Override
  public java.util.Optional<TaskOutputs> outputs() {
    return java.util.Optional.of(new TaskOutputs() {
      @Override
      public List<RuntimeTask> readable(String nodeId) {
        return list(nodeId);
      }

      @Override
      public OutputReader open(String taskId, Map<String, Long> from) throws IOException {
        ProcessEntry e = entries.get(taskId);
        if (e == null) {
          throw new IOException("unknown task " + taskId);
        }
        return new ProcessOutputReader(e.dir(), from, () -> e.exit().isDone());
      }
    });
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it does the same work
    }
    stopAll(HOOK_GRACE_CAP);
    scheduler.shutdownNow();
    health.close();
  }

  private void changed() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("a listener of the process runtime failed", e);
      }
    }
  }

  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Stops every live task side by side ({@link CloseStoppers}), each with its own grace period capped at {@code cap}. */
  private void stopAll(Duration cap) {
    List<Runnable> stops = new ArrayList<>();
    for (ProcessEntry e : entries.values()) {
      RuntimeTask v = e.view();
      if (v.isLive()) {
        Duration grace = v.stopGracePeriod().compareTo(cap) < 0 ? v.stopGracePeriod() : cap;
        stops.add(() -> stop(v.taskId(), grace));
      }
    }
    CloseStoppers.runAll(stops, CloseStoppers.THREADS, "shoal-process-stop-");
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
            health.watch(e, false);
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
