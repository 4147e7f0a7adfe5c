package dev.shoal.agent.runtime;

import dev.shoal.schemas.Task;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runtime that runs nothing: a task is running the moment it starts and ends the moment it is
 * stopped. For hollow nodes (as Kubemark's), which put the real agent code under the load of a big
 * cluster without its processes: {@code shoal bench scale}. It offers {@code driver}, so specs meant
 * for processes or containers land on it.
 */
public final class SimulatedRuntime implements ContainerRuntime {
  private final String driver;
  private final Map<String, RuntimeTask> tasks = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<RuntimeTask>> exits = new ConcurrentHashMap<>();

  public SimulatedRuntime(String driver) {
    this.driver = driver;
  }

  @Override
  public String name() {
    return "simulated";
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
  public RuntimeTask prepare(Task task) {
    return tasks.computeIfAbsent(task.id(), id -> {
      exits.put(id, new CompletableFuture<>());
      return new RuntimeTask(id, task.nodeId(), RuntimeNames.of(task), driver, RuntimeTask.State.CREATED, null, null,
          false, null, null, List.of(), "sim-" + id, Duration.ZERO);
    });
  }

  @Override
  public RuntimeTask start(String taskId) {
    return tasks.computeIfPresent(taskId, (id, t) -> t.state() == RuntimeTask.State.CREATED ? with(t, RuntimeTask.State.RUNNING, null, false) : t);
  }

  @Override
  public CompletableFuture<RuntimeTask> onExit(String taskId) {
    CompletableFuture<RuntimeTask> f = exits.get(taskId);
    return f != null ? f : CompletableFuture.failedFuture(new IllegalArgumentException("unknown task " + taskId));
  }

  @Override
  public void stop(String taskId, Duration grace) {
    RuntimeTask ended = tasks.computeIfPresent(taskId, (id, t) -> t.isLive() ? with(t, RuntimeTask.State.EXITED, 0, true) : t);
    if (ended != null) {
      exits.get(taskId).complete(ended);
    }
  }

  @Override
  public void remove(String taskId) {
    stop(taskId, Duration.ZERO);
    tasks.remove(taskId);
    exits.remove(taskId);
  }

  @Override
  public List<RuntimeTask> list(String nodeId) {
    List<RuntimeTask> out = new ArrayList<>();
    for (RuntimeTask t : tasks.values()) {
      if (nodeId.equals(t.nodeId())) {
        out.add(t);
      }
    }
    out.sort(java.util.Comparator.comparing(RuntimeTask::taskId));
    return out;
  }

  @Override
  public InputStream logs(String taskId) {
    return new ByteArrayInputStream(new byte[0]);
  }

  @Override
  public void close() {
    tasks.keySet().forEach(id -> stop(id, Duration.ZERO));
  }

  private static RuntimeTask with(RuntimeTask t, RuntimeTask.State state, Integer exit, boolean stopRequested) {
    return new RuntimeTask(t.taskId(), t.nodeId(), t.name(), t.driver(), state, exit, null, stopRequested, null, null,
        List.of(), t.containerId(), t.stopGracePeriod());
  }
}
