package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A spec written again from its remembered bytes ({@link SpecJson}) is byte for byte what writing
 * it gives: compared with the same mapping without {@link SpecJson}, for a spec with escapes,
 * non-ASCII text and a character outside the BMP (which Jackson's byte writer escapes and its
 * character writer does not), alone and inside a task and an assignment.
 */
class SpecJsonTest {
  private static final ServiceSpec SPEC = SpecValidator.validate("{\"name\":\"web\",\"command\":[\"echo\",\"a \\\"q\\\" \\\\ \\n"
      + " \\u0001 é ✓ \uD83D\uDE00 \\u2028\"],\"env\":{\"Z\":\"1\",\"A\":\"ü\"},\"replicas\":2}").spec();

  @Test
  void aRememberedSpecIsWrittenAsTheSameBytes() throws Exception {
    Task task = new Task("t1", "s1", "web", 1, "n1", 3, SPEC, DesiredState.RUNNING,
        TaskStatus.of("t1", "n1", TaskState.RUNNING, "running", 5), 5, 5);
    for (Object value : List.of(SPEC, task, new Assignment("n1", 7, task, null))) {
      byte[] first = Json.toBytes(value);
      byte[] again = Json.toBytes(value); // from the remembered bytes
      byte[] written = Json.PLAIN.writeValueAsBytes(value);
      assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo(new String(written, StandardCharsets.UTF_8));
      assertThat(again).isEqualTo(written).isEqualTo(first);
    }
    assertThat(Json.fromBytes(Json.toBytes(task), Task.class)).isEqualTo(task);
  }

  @Test
  void aPrettyPrinterStillIndentsTheSpec() throws Exception {
    Json.toBytes(SPEC);
    String pretty = new String(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(
        new Task("t1", "s1", "web", 1, "n1", 3, SPEC, DesiredState.RUNNING,
            TaskStatus.of("t1", "n1", TaskState.RUNNING, "running", 5), 5, 5)), StandardCharsets.UTF_8);
    assertThat(pretty).contains("\n    \"name\" : \"web\"");
  }
}
