package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AssignmentTest {

  private static Task task(String nodeId) {
    ServiceSpec spec = SpecValidator.validate("{\"name\":\"web\",\"command\":[\"sh\",\"-c\",\"echo \\\"hi\\\" \\u00e9\\\\n\"],"
        + "\"env\":{\"QUOTE\":\"a \\\"b\\\" c\"},\"labels\":{\"tier\":\"front\"}}").spec();
    TaskStatus status = TaskStatus.of("t-1", nodeId, TaskState.RUNNING, "started \"now\"", 42);
    return new Task("t-1", "svc-1", "web", 3, nodeId, 7, spec, DesiredState.RUNNING, status, 40, 42);
  }

  @Test
  void theSplicedFormIsWhatJacksonWritesForTheRecord() {
    for (String nodeId : List.of("node-1", "n\"odd\\id", "ñode")) {
      for (long sequence : List.of(0L, 17L, Long.MAX_VALUE)) {
        Task t = task(nodeId);
        byte[] spliced = Assignment.json(nodeId, sequence, Json.toBytes(t));
        assertThat(new String(spliced, java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(Json.toString(new Assignment(nodeId, sequence, t, null)));
        assertThat(Json.fromBytes(spliced, Assignment.class)).isEqualTo(new Assignment(nodeId, sequence, t, null));
      }
    }
  }
}
