package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Process tasks for the runtime tests, from spec JSON as a user writes it, and a runtime per test
 * that is closed after it (so no process outlives a test).
 */
final class ProcessTasks implements AutoCloseable {
  static final String NODE = "node1";
  private final Path dataDir;
  private final List<ProcessRuntime> runtimes = new ArrayList<>();

  ProcessTasks(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** A task of the spec in {@code json} (the name defaults to "web"), desired RUNNING on {@link #NODE}. */
  static Task task(String id, String json) {
    ServiceSpec spec = Json.fromString(json, ServiceSpec.class);
    if (spec.name() == null) {
      spec = Json.fromString(json.replaceFirst("\\{", "{\"name\":\"web\","), ServiceSpec.class);
    }
    return new Task(id, "svc", spec.name(), 1, NODE, 1, spec.withDefaults(), DesiredState.RUNNING, null, 1, 1);
  }

  ProcessRuntime runtime() {
    return track(new ProcessRuntime(dataDir, "test-node"));
  }

  ProcessRuntime runtime(HostTools tools, TaskUsers.Credentials agent) {
    return track(new ProcessRuntime(dataDir, "test-node", tools, agent));
  }

  private ProcessRuntime track(ProcessRuntime r) {
    runtimes.add(r);
    return r;
  }

  static RuntimeTask run(ProcessRuntime r, Task t) throws TaskRejectedException {
    r.prepare(t);
    RuntimeTask started = r.start(t.id());
    assertThat(started.state()).isEqualTo(RuntimeTask.State.RUNNING);
    return started;
  }

  static String log(ProcessRuntime r, String taskId) {
    try (var in = r.logs(taskId)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** A line of {@code /proc/<pid>/status}, e.g. {@code Uid:}, or "" once the process is gone. */
  static String procStatus(long pid, String field) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith(field)).findFirst().orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    runtimes.forEach(ProcessRuntime::close);
  }
}
