package dev.shoal.agent;

import dev.shoal.agent.runtime.RuntimeTask;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Small builders for tasks and runtime entries. */
final class Fixtures {
  static final String NODE = "node1";

  private Fixtures() {}

  static ServiceSpec processSpec(String... command) {
    return new ServiceSpec("web", null, List.of(command), null, null, null, null, null,
        List.of(new ServiceSpec.PortConfig(8000, null, null, null)), null, null, null, null, null, null,
        null, null, null, "2s", null, null, null);
  }

  static ServiceSpec imageSpec(String image) {
    return new ServiceSpec("db", image, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
  }

  static Task task(String id, DesiredState desired, TaskState observed) {
    return task(id, desired, observed, processSpec("sleep", "100"));
  }

  static Task task(String id, DesiredState desired, TaskState observed, ServiceSpec spec) {
    TaskStatus status = observed == null ? null : TaskStatus.of(id, NODE, observed, null, 1);
    return new Task(id, "svc", spec.name(), 1, NODE, 1, spec, desired, status, 1, 1);
  }

  static Task running(String id) {
    return task(id, DesiredState.RUNNING, TaskState.ASSIGNED);
  }

  static RuntimeTask held(String id, RuntimeTask.State state) {
    return held(id, state, null, false);
  }

  static RuntimeTask held(String id, RuntimeTask.State state, Integer exitCode, boolean stopRequested) {
    return new RuntimeTask(id, NODE, "web.1." + id, "process", state, exitCode, null, stopRequested, null,
        "127.0.0.1:41000", List.of(new TaskStatus.PortBinding(8000, "127.0.0.1", 41000, "tcp")), "4242",
        Duration.ofSeconds(2));
  }

  static Map<String, TaskMemory> reported(String id, TaskState state) {
    return Map.of(id, new TaskMemory(state, null, false));
  }
}
