package dev.shoal.agent;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeNames;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskStatus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A runtime in memory, for tests of the agent's convergence: tasks "run" until the test ends them
 * with {@link #exit}, a stop ends them with 143, and every call is recorded.
 */
final class FakeRuntime implements ContainerRuntime {
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final String driver;
  private final Map<String, RuntimeTask> tasks = new TreeMap<>();
  private final Map<String, CompletableFuture<RuntimeTask>> exits = new HashMap<>();
  private final Map<String, String> rejectOnPrepare = new HashMap<>();
  private final Map<String, String> rejectOnStart = new HashMap<>();
  private volatile java.util.function.Consumer<String> prepareHook = id -> { };
  private volatile java.util.function.Consumer<String> stopHook = id -> { };
  private int nextPort = 41000;
  private boolean listsEveryNode;
  boolean closed;

  FakeRuntime(String driver) {
    this.driver = driver;
  }

  FakeRuntime rejectOnPrepare(String taskId, String reason) {
    rejectOnPrepare.put(taskId, reason);
    return this;
  }

  /**
   * Runs {@code hook} inside every prepare, as time passing there (an image pull) would; outside the
   * fake's lock, so prepares of several tasks can be under way at once.
   */
  FakeRuntime onPrepare(Runnable hook) {
    prepareHook = id -> hook.run();
    return this;
  }

  /** As {@link #onPrepare(Runnable)}, given the task id. */
  FakeRuntime onPrepareOf(java.util.function.Consumer<String> hook) {
    prepareHook = hook;
    return this;
  }

  /** Runs {@code hook} (given the task id) at the start of every stop, outside the lock: a grace period being waited out. */
  FakeRuntime onStop(java.util.function.Consumer<String> hook) {
    stopHook = hook;
    return this;
  }

  FakeRuntime rejectOnStart(String taskId, String reason) {
    rejectOnStart.put(taskId, reason);
    return this;
  }

  /**
   * From now on {@link #list} ignores its node argument, as a runtime whose store another node shares
   * would: what the agent does with another node's task is then its own doing, not the fake's filter.
   */
  synchronized FakeRuntime listingEveryNode() {
    listsEveryNode = true;
    return this;
  }

  /** A task an earlier agent process left running. */
  synchronized FakeRuntime holding(RuntimeTask t) {
    tasks.put(t.taskId(), t);
    exits.put(t.taskId(), new CompletableFuture<>());
    return this;
  }

  /** The task ends by itself with {@code code}. */
  void exit(String taskId, Integer code) {
    RuntimeTask ended;
    synchronized (this) {
      ended = with(tasks.get(taskId), RuntimeTask.State.EXITED, code, false);
      tasks.put(taskId, ended);
    }
    exits.get(taskId).complete(ended);
  }

  synchronized RuntimeTask get(String taskId) {
    return tasks.get(taskId);
  }

  @Override
  public String name() {
    return "fake-" + driver;
  }

  @Override
  public String driver() {
    return driver;
  }

  @Override
  public String version() {
    return "0";
  }

  @Override
  public RuntimeTask prepare(Task task) throws TaskRejectedException {
    calls.add("prepare " + task.id());
    prepareHook.accept(task.id());
    return prepared(task);
  }

  private synchronized RuntimeTask prepared(Task task) throws TaskRejectedException {
    if (rejectOnPrepare.containsKey(task.id())) {
      throw new TaskRejectedException(rejectOnPrepare.get(task.id()));
    }
    RuntimeTask t = tasks.get(task.id());
    if (t == null) {
      int port = nextPort++;
      t = new RuntimeTask(task.id(), task.nodeId(), RuntimeNames.of(task), driver, RuntimeTask.State.CREATED, null,
          null, false, null, "127.0.0.1:" + port, List.of(new TaskStatus.PortBinding(8000, "127.0.0.1", port, "tcp")),
          "c-" + task.id(), Duration.ofSeconds(1));
      tasks.put(task.id(), t);
      exits.put(task.id(), new CompletableFuture<>());
    }
    return t;
  }

  @Override
  public RuntimeTask start(String taskId) throws TaskRejectedException {
    RuntimeTask t;
    synchronized (this) {
      calls.add("start " + taskId);
      t = tasks.get(taskId);
      if (t.state() != RuntimeTask.State.CREATED) {
        return t;
      }
      if (!rejectOnStart.containsKey(taskId)) {
        t = with(t, RuntimeTask.State.RUNNING, null, false);
        tasks.put(taskId, t);
        return t;
      }
      tasks.put(taskId, with(t, RuntimeTask.State.EXITED, null, false));
    }
    exits.get(taskId).complete(get(taskId));
    throw new TaskRejectedException(rejectOnStart.get(taskId));
  }

  @Override
  public synchronized CompletableFuture<RuntimeTask> onExit(String taskId) {
    CompletableFuture<RuntimeTask> f = exits.get(taskId);
    return f != null ? f : CompletableFuture.failedFuture(new NoSuchElementException(taskId));
  }

  @Override
  public void stop(String taskId, Duration grace) {
    calls.add("stop " + taskId + " " + grace.toMillis());
    stopHook.accept(taskId);
    RuntimeTask ended;
    synchronized (this) {
      RuntimeTask t = tasks.get(taskId);
      if (t == null || !t.isLive()) {
        return;
      }
      ended = with(t, RuntimeTask.State.EXITED, 143, true);
      tasks.put(taskId, ended);
    }
    exits.get(taskId).complete(ended);
  }

  @Override
  public synchronized void remove(String taskId) {
    calls.add("remove " + taskId);
    tasks.remove(taskId);
    exits.remove(taskId);
  }

  @Override
  public synchronized List<RuntimeTask> list(String nodeId) {
    return tasks.values().stream().filter(t -> listsEveryNode || nodeId.equals(t.nodeId())).toList();
  }

  @Override
  public InputStream logs(String taskId) {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public void close() {
    closed = true;
  }

  private static RuntimeTask with(RuntimeTask t, RuntimeTask.State state, Integer code, boolean stopped) {
    return new RuntimeTask(t.taskId(), t.nodeId(), t.name(), t.driver(), state, code, null, stopped, t.health(),
        t.endpoint(), t.ports(), t.containerId(), t.stopGracePeriod());
  }
}
