package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the scale bench says happened besides what it asked for. */
class ClusterHappeningsTest {
  private static final ServiceSpec SPEC = SpecValidator.validate(
      "{\"name\":\"s0\",\"command\":[\"sleep\",\"3600\"],\"replicas\":3}").spec();

  @Test
  void countsTasksByStateAndDesiredState() {
    List<Task> tasks = List.of(task("a", TaskState.RUNNING, DesiredState.RUNNING),
        task("b", TaskState.RUNNING, DesiredState.RUNNING), task("c", TaskState.SHUTDOWN, DesiredState.SHUTDOWN));
    assertThat(ClusterHappenings.tasks(tasks))
        .isEqualTo("[scale] tasks by state: RUNNING (desired RUNNING) 2, SHUTDOWN (desired SHUTDOWN) 1");
  }

  @Test
  void printsTheOrchestratorsWarningsAfterItStartedOnly(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("orchestrator.log");
    Files.writeString(log, """
        06:16:11.068 WARN StateDirectory - Using an OS temp directory
        Orchestrator RUNNING against 127.0.0.1:39665. Ctrl-C stops it.
        06:17:01.000 INFO LivenessProcessor - reading
        06:17:02.000 WARN StreamThread - the thread is being fenced
        06:17:03.000 ERROR KafkaStreams - it died
        """);
    String report = ClusterHappenings.orchestratorWarnings(log);
    assertThat(report).contains("2 WARN/ERROR line(s)").contains("the thread is being fenced").contains("it died")
        .doesNotContain("OS temp directory").doesNotContain("reading");
  }

  private static Task task(String id, TaskState state, DesiredState desired) {
    return new Task(id, "s0", "s0", 1, "n1", 1, SPEC, desired, TaskStatus.of(id, "n1", state, "x", 5), 5, 5);
  }
}
