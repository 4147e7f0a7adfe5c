package dev.shoal.agent.runtime;

import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Map;

/**
 * What the process runtime writes to {@code <task dir>/task.json}: enough to start the task after a
 * crash between prepare and start, to find its process again after an agent restart (pid, start
 * time and executable guard against a reused pid), to stop it and check its health as the spec says,
 * and to remember how it ended.
 *
 * @param env the variables the task adds to the agent's environment
 * @param startedAt the process's start instant in epoch millis, as the OS reports it
 * @param executable the process's executable path, as the OS reports it
 * @param launcher what runs before {@code argv} to switch to the spec's user ({@link TaskUser#launcher()});
 *     null or empty: the task runs as the agent
 * @param stopSignal the signal a stop sends first, as {@code kill -s} takes it; null for SIGTERM
 * @param healthcheck the task's health check, null without one
 * @param health the latest health status, null without a check
 */
record ProcessRecord(
    String taskId,
    String nodeId,
    String name,
    List<String> argv,
    Map<String, String> env,
    String workdir,
    List<TaskStatus.PortBinding> ports,
    String endpoint,
    long stopGraceMillis,
    RuntimeTask.State state,
    Long pid,
    Long startedAt,
    String executable,
    Integer exitCode,
    String exitMessage,
    boolean stopRequested,
    List<String> launcher,
    String stopSignal,
    HealthSpec healthcheck,
    String health) {

  ProcessRecord started(long pid, Long startedAt, String executable) {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        RuntimeTask.State.RUNNING, pid, startedAt, executable, exitCode, exitMessage, stopRequested, launcher,
        stopSignal, healthcheck, healthcheck == null ? null : HealthState.STARTING);
  }

  ProcessRecord exited(Integer code, String message) {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        RuntimeTask.State.EXITED, pid, startedAt, executable, code, message, stopRequested, launcher, stopSignal,
        healthcheck, health);
  }

  ProcessRecord stopping() {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        state, pid, startedAt, executable, exitCode, exitMessage, true, launcher, stopSignal, healthcheck, health);
  }

  ProcessRecord withHealth(String status) {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        state, pid, startedAt, executable, exitCode, exitMessage, stopRequested, launcher, stopSignal, healthcheck,
        status);
  }

  /** The command line the OS runs: the launcher, if any, then the task's argv. */
  List<String> commandLine() {
    if (launcher == null || launcher.isEmpty()) {
      return argv;
    }
    List<String> all = new java.util.ArrayList<>(launcher);
    all.addAll(argv);
    return all;
  }
}
