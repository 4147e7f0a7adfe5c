package dev.shoal.agent;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out convergence: gathers the assignment, what the runtimes hold and what was reported,
 * asks {@link TaskConverger} for a plan and runs it. {@link #converge()} runs on one thread at a time;
 * starts, stops and removes run on {@link OpsPool}'s executors, at most one at a time per task (a task
 * with an operation under way is left out of plans until it ends), so a slow stop or image pull never
 * holds up other tasks. Starts and removes share a bounded pool; stops have their own, so one waiting
 * out its grace period never holds a start; a drain delay holds no thread (its stop is submitted when
 * it ends). Every operation that ends, and every task that exits, asks for another pass (through
 * {@code afterOperation}, which may let a few such requests share one: {@link PassRequests#soon()}).
 */
final class TaskSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);

  private final String nodeId;
  private final Runtimes runtimes;
  private final StatusPublisher publisher;
  private final OpsPool ops;
  private final Runnable requestConverge;
  private final Runnable afterOperation;
  private final LongSupplier clock;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  /**
   * Null until the first assignment is known: converging to "nothing" would stop adopted tasks. In task
   * id order, with hashed lookups (each pass looks every task up several times).
   */
  private volatile Map<String, Task> assigned;
  /** The assignment whose states the last pass raised the publisher's floors to (only {@link #converge()} uses it). */
  private Map<String, Task> floorsRaisedFor;
  private volatile boolean closing;
  /** Non-null while the node is fenced ({@link Fencing}): why its tasks are being stopped. */
  private volatile String fence;
  /** Tasks a fence stopped, with its reason, so their SHUTDOWN says why even if it is reported after the lift. */
  private final Map<String, String> fencedStops = new ConcurrentHashMap<>();
  private final Duration drainDelay;
  private final StartReports startReports;
  /** Tasks the runtimes held RUNNING at the last pass (the agent's metric; heartbeats no longer list them). */
  private volatile int running;
  /** Stops waiting out their drain delay, by task; a fence or shutdown submits them at once. */
  private final Map<String, Runnable> draining = new ConcurrentHashMap<>();

  /** Every step of a start reported as it happens, and no drain delay. */
  TaskSupervisor(String nodeId, Runtimes runtimes, StatusPublisher publisher, Executor ops,
                 Runnable requestConverge, LongSupplier clock) {
    this(nodeId, runtimes, publisher, ops, requestConverge, clock, Duration.ZERO, StartReports.immediate(publisher));
  }

  /** Every operation on {@code ops} (tests run them inline). */
  TaskSupervisor(String nodeId, Runtimes runtimes, StatusPublisher publisher, Executor ops,
                 Runnable requestConverge, LongSupplier clock, Duration drainDelay, StartReports startReports) {
    this(nodeId, runtimes, publisher, OpsPool.on(ops), requestConverge, clock, drainDelay, startReports);
  }

  /**
   * With a drain delay before the stop signal of tasks the ingress may be sending traffic to
   * ({@link Draining}), and {@code startReports} (made with the same publisher) for the steps of a start.
   */
  TaskSupervisor(String nodeId, Runtimes runtimes, StatusPublisher publisher, OpsPool ops,
                 Runnable requestConverge, LongSupplier clock, Duration drainDelay, StartReports startReports) {
    this(nodeId, runtimes, publisher, ops, requestConverge, requestConverge, clock, drainDelay, startReports);
  }

  /**
   * Asks for a pass through {@code requestConverge} on a new assignment, and through
   * {@code afterOperation} when an operation ends or a task exits.
   */
  TaskSupervisor(String nodeId, Runtimes runtimes, StatusPublisher publisher, OpsPool ops,
                 Runnable requestConverge, Runnable afterOperation, LongSupplier clock, Duration drainDelay,
                 StartReports startReports) {
    this.afterOperation = afterOperation;
    this.drainDelay = drainDelay;
    this.startReports = startReports;
    this.nodeId = nodeId;
    this.runtimes = runtimes;
    this.publisher = publisher;
    this.ops = ops;
    this.requestConverge = requestConverge;
    this.clock = clock;
  }

  /** The node's whole assignment now (null is the empty set). */
  void assign(java.util.Collection<Task> assignment) {
    Map<String, Task> tasks = new TreeMap<>();
    if (assignment != null) {
      for (Task t : assignment) {
        // Runtimes list tasks by node: one filed under another node would look missing and be started again.
        tasks.put(t.id(), nodeId.equals(t.nodeId()) ? t : t.withNode(nodeId, t.status(), t.updatedAt()));
      }
    }
    assigned = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    requestConverge.run();
  }

  /** Stops every task and starts none until {@link #lift()}; the SHUTDOWN reports carry {@code reason}. */
  void fence(String reason) {
    fence = reason;
    wakeDrains();
  }

  /**
   * Submits {@code stop} once {@code drain} is over, holding no thread meanwhile; the task stays busy.
   * A fence or shutdown ({@link #wakeDrains()}) submits it sooner.
   */
  private void stopAfterDrain(String taskId, Duration drain, Runnable stop) {
    busy.add(taskId);
    Runnable release = new Runnable() {
      @Override
      public void run() {
        if (draining.remove(taskId, this)) { // once: the timer and a wake-up may both come
          submit(ops.stops(), taskId, stop);
        }
      }
    };
    draining.put(taskId, release);
    ops.drains().schedule(release, drain);
    if (closing || fence != null) {
      release.run(); // fenced or closing while this was being set up: wakeDrains may have missed it
    }
  }

  private void wakeDrains() {
    draining.values().forEach(Runnable::run);
  }

  /** Converges to the assignment again; what the fence stopped stays stopped (it was reported terminal). */
  void lift() {
    fence = null;
  }

  /** One pass; returns the number of steps planned (0 when converged or nothing is assigned yet). */
  int converge() {
    Map<String, Task> tasks = assigned;
    String fenced = fence;
    if ((tasks == null && fenced == null) || closing) {
      return 0;
    }
    if (tasks == null) {
      tasks = Map.of(); // fenced before the first assignment: tasks adopted from an earlier run are stopped too
    }
    if (tasks != floorsRaisedFor) {
      // Once per assignment: a floor only rises, and only forgetGone (a task no longer assigned) lowers one.
      for (Task t : tasks.values()) {
        if (t.status() != null && t.status().state() != null) {
          publisher.raiseFloor(t.id(), t.state());
        }
      }
      floorsRaisedFor = tasks;
    }
    // Memory before runtimes: an operation clears its busy mark only after all its effects, so a
    // task seen idle here is seen by the runtimes below with everything that operation did.
    Map<String, TaskMemory> memory = publisher.memory(busy);
    Runtimes.Snapshot snapshot = runtimes.snapshot(nodeId);
    Map<String, Runtimes.Held> held = snapshot.held();
    int runningNow = 0;
    for (Map.Entry<String, Runtimes.Held> e : held.entrySet()) {
      RuntimeTask t = e.getValue().task();
      if (t.state() == RuntimeTask.State.RUNNING) {
        runningNow++;
      }
      if (t.isLive()) {
        watch(e.getValue().runtime(), e.getKey());
      }
    }
    running = runningNow;
    Map<String, Task> wanted = fenced == null ? tasks : Fencing.stopAll(tasks, held.keySet());
    List<TaskAction> plan = TaskConverger.plan(new ConvergeInput(nodeId, clock.getAsLong(),
        decidable(wanted, snapshot.unavailable()), snapshot.observed(), memory, runtimes.drivers()));
    if (fenced != null) {
      plan = Fencing.restrict(plan);
    }
    for (TaskAction a : plan) {
      if (fenced != null && a instanceof TaskAction.Stop) {
        fencedStops.put(a.taskId(), fenced);
      }
      execute(Fencing.explain(a, fencedStops.get(a.taskId())), held);
    }
    forgetGone(memory.keySet(), tasks, held);
    publisher.retryFailed();
    return plan.size();
  }

  /** How many of the node's tasks the runtimes held RUNNING at the last convergence pass (0 before the first). */
  int runningTasks() {
    return running;
  }

  /**
   * The assigned tasks this pass can decide on: not those of a runtime that did not answer, since
   * absent from its list they would read as lost (or, never started, be started into an engine that is
   * away). They wait, as they are, for a pass in which it answers.
   */
  private static Map<String, Task> decidable(Map<String, Task> tasks, Set<String> unavailable) {
    if (unavailable.isEmpty()) {
      return tasks;
    }
    Map<String, Task> out = new TreeMap<>(tasks);
    out.values().removeIf(t -> unavailable.contains(TaskConverger.driverOf(t)));
    return out;
  }

  private void execute(TaskAction a, Map<String, Runtimes.Held> held) {
    String id = a.taskId();
    if (a instanceof TaskAction.Report r) {
      if (publisher.publish(r.status()) && r.status().state().isTerminal()) {
        LOG.info("task {} {}: {}", id, r.status().state(), r.status().message());
      }
    } else if (a instanceof TaskAction.Start s) {
      LOG.info("starting task {} ({})", id, s.task().name());
      dispatch(ops.starts(), id, () -> start(s.task()));
    } else if (a instanceof TaskAction.Stop s) {
      ContainerRuntime rt = held.get(id).runtime();
      Map<String, Task> tasks = assigned;
      Duration drain = fence != null ? Duration.ZERO
          : Draining.delay(tasks == null ? null : tasks.get(id), publisher.state(id), drainDelay);
      if (drain.isZero()) {
        LOG.info("stopping task {} (grace {})", id, s.grace());
      } else {
        LOG.info("stopping task {} after a drain delay of {} (grace {})", id, drain, s.grace());
      }
      Runnable stop = () -> rt.stop(id, s.grace());
      if (drain.isZero()) {
        dispatch(ops.stops(), id, stop);
      } else {
        stopAfterDrain(id, drain, stop);
      }
    } else if (a instanceof TaskAction.Remove) {
      LOG.info("removing task {}", id);
      ContainerRuntime rt = held.get(id).runtime();
      dispatch(ops.starts(), id, () -> rt.remove(id));
    }
  }

  private void dispatch(Executor on, String taskId, Runnable op) {
    busy.add(taskId);
    submit(on, taskId, op);
  }

  /** Runs {@code op} on {@code on}; the task stops being busy when it ends (or is refused: shutting down). */
  private void submit(Executor on, String taskId, Runnable op) {
    try {
      on.execute(() -> {
        try {
          op.run();
        } catch (RuntimeException e) {
          LOG.warn("operation on task {} failed", taskId, e);
        } finally {
          busy.remove(taskId);
          afterOperation.run();
        }
      });
    } catch (RejectedExecutionException e) {
      busy.remove(taskId); // shutting down
    }
  }

  private void start(Task task) {
    String id = task.id();
    ContainerRuntime rt = runtimes.forDriver(TaskConverger.driverOf(task)).orElseThrow();
    TaskStatus outcome = null;
    startReports.begin(id);
    try {
      step(id, TaskState.ACCEPTED, "accepted");
      step(id, TaskState.PREPARING, "preparing");
      rt.prepare(task);
      step(id, TaskState.STARTING, "starting");
      RuntimeTask r = rt.start(id);
      watch(rt, id);
      if (r.state() == RuntimeTask.State.RUNNING) {
        outcome = Statuses.running(nodeId, r, clock.getAsLong());
      }
    } catch (TaskRejectedException e) {
      LOG.info("task {} rejected: {}", id, e.getMessage());
      outcome = Statuses.failed(nodeId, id, TaskState.REJECTED, e.getMessage(), clock.getAsLong());
    } catch (RuntimeException e) {
      LOG.warn("the {} runtime failed to start task {}", rt.name(), id, e);
      outcome = Statuses.failed(nodeId, id, TaskState.REJECTED,
          "the " + rt.name() + " runtime failed to start the task: " + e, clock.getAsLong());
    } finally {
      startReports.end(id);
    }
    if (outcome != null) {
      publisher.publish(outcome);
    }
  }

  private void step(String taskId, TaskState state, String message) {
    startReports.step(Statuses.of(nodeId, taskId, state, message, clock.getAsLong()));
  }

  private void watch(ContainerRuntime rt, String taskId) {
    if (watched.add(taskId)) {
      rt.onExit(taskId).whenComplete((v, e) -> afterOperation.run());
    }
  }

  /**
   * Forgets what is remembered of tasks neither assigned, held nor busy. {@code remembered} is what the
   * publisher knew at the start of the pass: what it learns during the pass is of tasks assigned or
   * held, and a task that goes meanwhile is forgotten by the next pass.
   */
  private void forgetGone(Set<String> remembered, Map<String, Task> tasks, Map<String, Runtimes.Held> held) {
    for (String id : remembered) {
      forgetIfGone(id, tasks, held);
    }
    for (String id : watched) {
      forgetIfGone(id, tasks, held);
    }
  }

  private void forgetIfGone(String id, Map<String, Task> tasks, Map<String, Runtimes.Held> held) {
    if (!tasks.containsKey(id) && !held.containsKey(id) && !busy.contains(id)) {
      publisher.forget(id);
      watched.remove(id);
      fencedStops.remove(id);
    }
  }

  /**
   * Stops every task of the node (each with its grace period, all at once: on the stop pool, which is
   * wide enough for a node's tasks) and reports them SHUTDOWN. Waits up to {@code opsWait} for
   * operations under way first (stops waiting out a drain delay are submitted at once). No pass runs afterwards.
   */
  void shutdown(String reason, Duration opsWait) {
    closing = true;
    wakeDrains();
    long deadline = System.nanoTime() + opsWait.toNanos();
    while (!busy.isEmpty() && System.nanoTime() < deadline) {
      sleepBriefly();
    }
    Map<String, Runtimes.Held> held = runtimes.held(nodeId);
    Duration longest = Duration.ZERO;
    List<CompletableFuture<Void>> stops = new java.util.ArrayList<>();
    for (Runtimes.Held h : held.values()) {
      RuntimeTask t = h.task();
      if (t.isLive()) {
        longest = t.stopGracePeriod().compareTo(longest) > 0 ? t.stopGracePeriod() : longest;
        stops.add(CompletableFuture.runAsync(() -> h.runtime().stop(t.taskId(), t.stopGracePeriod()), ops.stops()));
      }
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
          .get(longest.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("not every task stopped in time: {}", e.toString());
    }
    for (Runtimes.Held h : runtimes.held(nodeId).values()) {
      RuntimeTask t = h.task();
      TaskState known = publisher.state(t.taskId());
      if (t.state() == RuntimeTask.State.EXITED && (known == null || !known.isTerminal())) {
        TaskStatus s = Statuses.ended(nodeId, t, clock.getAsLong());
        if (s.state() == TaskState.SHUTDOWN) {
          s = Statuses.of(nodeId, t, TaskState.SHUTDOWN, reason, null, t.exitCode(), clock.getAsLong());
        }
        publisher.publish(s);
      }
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
