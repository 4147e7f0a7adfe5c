package dev.shoal.agent.runtime;

import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Map;

/**
 * What the process runtime writes to {@code <task dir>/task.json}: enough to start the task after a
 * crash between prepare and start, to find its process again after an agent restart (pid, start
 * time and executable guard against a reused pid), and to remember how it ended.
 *
 * @param env the variables the task adds to the agent's environment
 * @param startedAt the process's start instant in epoch millis, as the OS reports it
 * @param executable the process's executable path, as the OS reports it
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
    boolean stopRequested) {

  ProcessRecord started(long pid, Long startedAt, String executable) {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        RuntimeTask.State.RUNNING, pid, startedAt, executable, exitCode, exitMessage, stopRequested);
  }

  ProcessRecord exited(Integer code, String message) {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        RuntimeTask.State.EXITED, pid, startedAt, executable, code, message, stopRequested);
  }

  ProcessRecord stopping() {
    return new ProcessRecord(taskId, nodeId, name, argv, env, workdir, ports, endpoint, stopGraceMillis,
        state, pid, startedAt, executable, exitCode, exitMessage, true);
  }
}
