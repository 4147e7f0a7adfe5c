package dev.shoal.agent.metrics;

import dev.shoal.agent.runtime.ContainerRuntime;
import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.agent.runtime.TaskRejectedException;
import dev.shoal.schemas.Task;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A runtime that times each operation the agent asks of it (prepare, start, stop, remove, list)
 * with its outcome, then does exactly what the runtime behind it does. Everything else (exits,
 * change listeners, logs, outputs) passes straight through.
 */
final class MeteredRuntime implements ContainerRuntime {
  private final ContainerRuntime runtime;
  private final AgentMetrics metrics;

  MeteredRuntime(ContainerRuntime runtime, AgentMetrics metrics) {
    this.runtime = runtime;
    this.metrics = metrics;
  }

  /** An operation that may refuse the task, as prepare and start do. */
  private interface Rejectable<T> {
    T run() throws TaskRejectedException;
  }

  private <T> T timed(String operation, Rejectable<T> op) throws TaskRejectedException {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      T v = op.run();
      outcome = "ok";
      return v;
    } catch (TaskRejectedException e) {
      outcome = "rejected";
      throw e;
    } finally {
      metrics.operation(runtime.name(), operation, outcome, System.nanoTime() - t0);
    }
  }

  private <T> T timedPlain(String operation, java.util.function.Supplier<T> op) {
    long t0 = System.nanoTime();
    String outcome = "error";
    try {
      T v = op.get();
      outcome = "ok";
      return v;
    } finally {
      metrics.operation(runtime.name(), operation, outcome, System.nanoTime() - t0);
    }
  }

  @Override
  public String name() {
    return runtime.name();
  }

  @Override
  public String driver() {
    return runtime.driver();
  }

  @Override
  public String version() {
    return runtime.version();
  }

  @Override
  public RuntimeTask prepare(Task task) throws TaskRejectedException {
    return timed("prepare", () -> runtime.prepare(task));
  }

  @Override
  public RuntimeTask start(String taskId) throws TaskRejectedException {
    return timed("start", () -> runtime.start(taskId));
  }

  @Override
  public CompletableFuture<RuntimeTask> onExit(String taskId) {
    return runtime.onExit(taskId);
  }

  @Override
  public void stop(String taskId, Duration grace) {
    timedPlain("stop", () -> {
      runtime.stop(taskId, grace);
      return null;
    });
  }

  @Override
  public void remove(String taskId) {
    timedPlain("remove", () -> {
      runtime.remove(taskId);
      return null;
    });
  }

  @Override
  public List<RuntimeTask> list(String nodeId) {
    return timedPlain("list", () -> runtime.list(nodeId));
  }

  @Override
  public void onChange(Runnable listener) {
    runtime.onChange(listener);
  }

  @Override
  public InputStream logs(String taskId) throws IOException {
    return runtime.logs(taskId);
  }

  @Override
  public java.util.Optional<dev.shoal.agent.runtime.TaskOutputs> outputs() {
    return runtime.outputs();
  }

  @Override
  public void close() {
    runtime.close();
  }
}
