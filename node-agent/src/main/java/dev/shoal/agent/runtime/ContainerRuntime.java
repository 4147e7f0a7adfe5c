package dev.shoal.agent.runtime;

import dev.shoal.schemas.Task;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs tasks for a node agent: one implementation per driver ({@code process} and {@code docker}),
 * in the shape of swarmkit's {@code agent/exec} controller: prepare, start, exit
 * notification, stop, remove, and a list of what it holds for a node.
 *
 * <p>The agent decides; a runtime only does what it is told and reports what it sees. Every method
 * is safe to call from several threads, and {@link #prepare}, {@link #stop} and {@link #remove} are
 * idempotent, because a level-triggered agent may ask twice. A runtime keeps what it needs to find
 * its tasks again after the agent restarts (a Docker engine keeps containers and labels; the process
 * runtime keeps pid records), so {@link #list} also shows tasks started by an earlier agent process:
 * the agent adopts those still assigned and stops the rest.
 */
public interface ContainerRuntime extends AutoCloseable {

  /** Short name for heartbeats and logs, e.g. {@code process} or {@code docker}. */
  String name();

  /** The driver this runtime offers ({@link dev.shoal.schemas.Drivers}). */
  String driver();

  /** Version of the engine behind the runtime, reported in the node description. */
  String version();

  /**
   * Creates what the task needs before it can start (directories, ports, a pulled image, a created
   * container) and returns it in state {@link RuntimeTask.State#CREATED}. Returns the existing entry
   * if the task is already known.
   *
   * @throws TaskRejectedException if this runtime cannot run the task; the reason is for the user
   */
  RuntimeTask prepare(Task task) throws TaskRejectedException;

  /**
   * Starts a prepared task and returns it in state {@link RuntimeTask.State#RUNNING} (or as it is,
   * if it was already started).
   *
   * @throws TaskRejectedException if it cannot start (e.g. the command does not exist); the entry
   *     is then {@link RuntimeTask.State#EXITED}
   */
  RuntimeTask start(String taskId) throws TaskRejectedException;

  /**
   * Completes with the task's {@link RuntimeTask.State#EXITED} view when it ends, however it ends.
   * Completes exceptionally for an unknown task.
   */
  CompletableFuture<RuntimeTask> onExit(String taskId);

  /**
   * Asks the task to stop (SIGTERM or the spec's stop signal), kills it after {@code grace}, and
   * returns once it has exited. Marks the entry {@link RuntimeTask#stopRequested()} if it was still
   * running, so its end reads as a shutdown and not as a failure. No-op for an unknown or ended task.
   */
  void stop(String taskId, Duration grace);

  /** Forgets the task and frees what it held (killing it first if it still runs). No-op if unknown. */
  void remove(String taskId);

  /**
   * Every task this runtime holds for {@code nodeId}, running or not, sorted by task id. Throws when
   * the runtime cannot tell (its engine does not answer): the agent then leaves this runtime's tasks
   * alone, rather than taking them for lost, until a later call answers.
   */
  List<RuntimeTask> list(String nodeId);

  /**
   * Registers {@code listener} to be run when the runtime sees a change the agent should act on but
   * would otherwise learn only at its next resync: a health status, a container that died, the engine
   * answering again after it was away. The listener is cheap and may run on any thread. Runtimes
   * that have nothing to say beyond {@link #onExit} ignore it.
   */
  default void onChange(Runnable listener) {}

  /** The task's output so far: stdout, then stderr where the runtime keeps them apart. */
  InputStream logs(String taskId) throws IOException;

  /** How the log shipper reads this runtime's task output; empty when it offers none. */
  default java.util.Optional<TaskOutputs> outputs() {
    return java.util.Optional.empty();
  }

  /**
   * Releases the runtime. Tasks still running are stopped: an agent that exits normally leaves no
   * task behind (the agent stops them first with their grace periods; this is the backstop).
   */
  @Override
  void close();
}
