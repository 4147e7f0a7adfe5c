package dev.shoal.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.LogBatch;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What each response format writes for a line: the engine's frames and /v1's text and ndjson. */
class LogFormatsTest {
  private static final LogTask TASK = new LogTask("681wno16sm9593smjyre8skxl", "logger.1", "svc-id", "logger", "node-id",
      "vm", 1L);
  private static final long T = 1_764_504_000_123_450_000L; // 2025-11-30T12:00:00.12345Z

  @Test
  void timesAreGoRfc3339NanoWithoutTrailingZeros() {
    assertThat(LogTimes.rfc3339Nano(T)).isEqualTo("2025-11-30T12:00:00.12345Z");
    assertThat(LogTimes.rfc3339Nano(1_764_504_000_000_000_000L)).isEqualTo("2025-11-30T12:00:00Z");
    assertThat(LogTimes.rfc3339Nano(1_764_504_000_000_000_001L)).isEqualTo("2025-11-30T12:00:00.000000001Z");
  }

  @Test
  void aTaskIsLabelledAsDockerServiceLogsDoes() {
    assertThat(TASK.label()).isEqualTo("logger.1.681wno16sm95@vm");
  }

  @Test
  void theEngineWritesOneFramePerLineWithStreamLengthTimestampAndDetails() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EngineLogOutput out = new EngineLogOutput(bytes, true, true);
    out.line(TASK, LogBatch.Line.of(T, LogBatch.STDERR, "oops é", 1));
    out.flush();
    ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
    assertThat(b.get()).isEqualTo((byte) 2);
    assertThat(new byte[] {b.get(), b.get(), b.get()}).containsExactly(0, 0, 0);
    int n = b.getInt();
    assertThat(n).isEqualTo(b.remaining());
    String payload = new String(bytes.toByteArray(), 8, n, StandardCharsets.UTF_8);
    assertThat(payload).isEqualTo("2025-11-30T12:00:00.12345Z com.docker.swarm.node.id=node-id,"
        + "com.docker.swarm.service.id=svc-id,com.docker.swarm.task.id=681wno16sm9593smjyre8skxl oops é\n");
  }

  @Test
  void theEngineWithoutOptionsSendsTheBareLineOnStdout() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new EngineLogOutput(bytes, false, false).line(TASK, LogBatch.Line.of(T, LogBatch.STDOUT, "hi", 1));
    assertThat(bytes.toByteArray()).containsExactly(1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n');
  }

  @Test
  void textPrefixesServiceLinesAndNdjsonCarriesEveryField() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    new TextLogOutput(text, false, true, true).line(TASK, LogBatch.Line.of(T, LogBatch.STDOUT, "hello", 1));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .isEqualTo("2025-11-30T12:00:00.12345Z logger.1.681wno16sm95@vm | hello\n");

    ByteArrayOutputStream json = new ByteArrayOutputStream();
    TextLogOutput nd = new TextLogOutput(json, true, false, false);
    nd.line(TASK, new LogBatch.Line(T, LogBatch.STDERR, "… 3 lines dropped", 9, true));
    nd.note(TASK, "cut");
    String[] lines = json.toString(StandardCharsets.UTF_8).split("\n");
    var o = Json.MAPPER.readTree(lines[0]);
    assertThat(o.get("time").asText()).isEqualTo("2025-11-30T12:00:00.12345Z");
    assertThat(o.get("stream").asText()).isEqualTo("stderr");
    assertThat(o.get("task").asText()).isEqualTo("logger.1");
    assertThat(o.get("taskId").asText()).isEqualTo(TASK.taskId());
    assertThat(o.get("node").asText()).isEqualTo("vm");
    assertThat(o.get("marker").asBoolean()).isTrue();
    assertThat(Json.MAPPER.readTree(lines[1]).get("note").asText()).isEqualTo("cut");
  }
}
