package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Records the orchestrator wrote are read without the duplicate-key check, and with every other
 * check inputs get; inputs keep all of them.
 */
class OwnRecordsTest {
  private static final String SPEC = "{\"name\":\"web\",\"image\":\"busybox\",\"env\":{\"A\":\"1\"}}";

  private static String taskJson() {
    Task t = new Task("t1", "s1", "web", 1, "n1", 3, SpecValidator.validate(SPEC).spec(), DesiredState.RUNNING,
        TaskStatus.of("t1", "n1", TaskState.RUNNING, "started", 5), 4, 5);
    String json = Json.toString(t);
    assertThat(json).contains("\"nodeId\":\"n1\",");
    return json;
  }

  /** The task's JSON with its first {@code "nodeId"} given twice, "n0" first and "n1" last. */
  private static byte[] withDuplicateNodeId() {
    String json = taskJson().replaceFirst("\"nodeId\":\"n1\",", "\"nodeId\":\"n0\",\"nodeId\":\"n1\",");
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDuplicateKeyIsRefusedInInputAndReadAsTheLastInAnOwnRecord() {
    byte[] duplicate = withDuplicateNodeId();

    assertThatThrownBy(() -> Json.fromBytes(duplicate, Task.class)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Duplicate field 'nodeId'");
    assertThat(Json.fromOwnBytes(duplicate, Task.class).nodeId()).isEqualTo("n1");
    // A duplicate inside the spec, one object down, too.
    byte[] inSpec = taskJson().replace("\"image\":\"busybox\"", "\"image\":\"nginx\",\"image\":\"busybox\"")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Json.fromBytes(inSpec, Task.class)).hasMessageContaining("Duplicate field 'image'");
    assertThat(Json.fromOwnBytes(inSpec, Task.class).spec().image()).isEqualTo("busybox");
  }

  @Test
  void anOwnRecordIsOtherwiseReadAsStrictlyAsInput() {
    String json = taskJson();
    assertThat(Json.fromOwnBytes(json.getBytes(StandardCharsets.UTF_8), Task.class))
        .isEqualTo(Json.fromBytes(json.getBytes(StandardCharsets.UTF_8), Task.class));

    String unknown = json.replaceFirst("\\{", "{\"colour\":\"red\",");
    String numberForString = json.replace("\"nodeId\":\"n1\"", "\"nodeId\":1");
    String fraction = json.replace("\"slot\":1", "\"slot\":1.5");
    String trailing = json + "{}";
    for (String bad : new String[] {unknown, numberForString, fraction, trailing}) {
      assertThat(bad).isNotEqualTo(json);
      assertThatThrownBy(() -> Json.fromOwnBytes(bad.getBytes(StandardCharsets.UTF_8), Task.class))
          .as(bad).isInstanceOf(UncheckedIOException.class);
    }
  }

  @Test
  void theOwnRecordsSerdeReadsADuplicateThatTheInputSerdeRefuses() {
    byte[] duplicate = withDuplicateNodeId();
    assertThat(JsonSerde.ownRecords(Task.class).deserializer().deserialize("shoal.tasks", duplicate).nodeId())
        .isEqualTo("n1");
    assertThatThrownBy(() -> new JsonSerde<>(Task.class).deserializer().deserialize("shoal.tasks", duplicate))
        .isInstanceOf(SerializationException.class).hasMessage("cannot read Task from shoal.tasks")
        .rootCause().hasMessageContaining("Duplicate field 'nodeId'");
  }

  @Test
  void onlyTheTopicsNoOneButTheOrchestratorWritesAreReadAsOwnRecords() {
    Topics topics = Topics.defaults();
    assertThat(java.util.List.of(topics.services, topics.tasks, topics.assignments, topics.nodes, topics.events,
        topics.cluster)).allSatisfy(t -> assertThat(((JsonSerde<?>) t.valueSerde()).readsOwnRecords()).as(t.name()).isTrue());
    // The control log is read by audits and history as evidence; agents write the logs.
    assertThat(java.util.List.of(topics.control, topics.logs))
        .allSatisfy(t -> assertThat(((JsonSerde<?>) t.valueSerde()).readsOwnRecords()).as(t.name()).isFalse());
  }
}
