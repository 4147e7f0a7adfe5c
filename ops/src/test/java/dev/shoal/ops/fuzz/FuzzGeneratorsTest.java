package dev.shoal.ops.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.CommandValidator;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.ControlMessageValidator;
import dev.shoal.schemas.HeartbeatValidator;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.SpecValidator;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.junit.jupiter.api.Test;

/**
 * The fuzz generator's own contract, checked without a cluster: the same seed gives the same
 * inputs; inputs stay within their size bounds; and no record is one the orchestrator would apply
 * (a spec, a node, a command that changes something), so {@code FuzzIT} never blames the cluster
 * for obeying a valid record. The validators serve as the oracle here only to keep the generator
 * honest; {@code FuzzIT} checks the real doors.
 */
class FuzzGeneratorsTest {
  private static final List<String> ROUTES = List.of("GET /v1/services", "POST /v1/services", "PUT /v1/services/{name}",
      "DELETE /v1/services/{name}", "POST /v1/services/{name}/scale", "PATCH /v1/nodes/{id}", "DELETE /v1/nodes/{id}",
      "GET /v1/events", "POST /v1/swarm/join-tokens/rotate", "HEAD /_ping");

  @Test
  void theSameSeedGivesTheSameInputs() {
    for (int batch = 0; batch < 3; batch++) {
      List<RecordCase> a = FuzzBatches.records(42, batch, 500);
      List<RecordCase> b = FuzzBatches.records(42, batch, 500);
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).describe()).isEqualTo(b.get(i).describe());
        assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
        assertThat(a.get(i).key()).isEqualTo(b.get(i).key());
      }
      List<HttpCase> x = FuzzBatches.http(42, batch, 500, ROUTES, "decoy", "node-1");
      List<HttpCase> y = FuzzBatches.http(42, batch, 500, ROUTES, "decoy", "node-1");
      for (int i = 0; i < x.size(); i++) {
        assertThat(x.get(i).describe()).isEqualTo(y.get(i).describe());
        assertThat(x.get(i).body()).isEqualTo(y.get(i).body());
      }
    }
    assertThat(FuzzBatches.records(43, 0, 50).toString()).isNotEqualTo(FuzzBatches.records(42, 0, 50).toString());
  }

  @Test
  void inputsAreBoundedAndEveryRouteAndTopicGetsSome() {
    Set<String> routes = new HashSet<>();
    for (HttpCase c : FuzzBatches.http(7, 0, 1_000, ROUTES, "decoy", "node-1")) {
      routes.add(c.route());
      assertThat(c.body() == null ? 0 : c.body().length).as(c.describe()).isLessThanOrEqualTo(1024 * 1024 + 64);
    }
    assertThat(routes).containsAll(ROUTES).contains("unknown route");
    Set<InputTopic> topics = new HashSet<>();
    for (int batch = 0; batch < 3; batch++) {
      for (RecordCase c : FuzzBatches.records(7, batch, 1_000)) {
        topics.add(c.topic());
        assertThat(c.value() == null ? 0 : c.value().length).as(c.describe()).isLessThanOrEqualTo(310_000);
        // Alone in its batch, every record fits the input topics' max.message.bytes: the broker takes them all.
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + DefaultRecord.sizeInBytes(0, 0L,
            c.key() == null ? -1 : c.key().length, c.value() == null ? -1 : c.value().length,
            c.headers().toArray(Header[]::new));
        assertThat(size).as(c.describe()).isLessThanOrEqualTo(RecordFaults.BROKER_RECORD_LIMIT);
      }
    }
    assertThat(topics).containsExactlyInAnyOrder(InputTopic.values());
  }

  @Test
  void everySpecFaultIsRefusedWithItsCode() {
    SpecFaults faults = new SpecFaults(new Hostile(new Random(11)), false);
    for (int i = 0; i < 1_000; i++) {
      Doc d = faults.any("fk" + i);
      SpecValidator.Result r = SpecValidator.validate(new String(d.bytes(), StandardCharsets.UTF_8));
      assertThat(r.valid()).as(d.fault() + ": " + d.preview()).isFalse();
      assertThat(r.code().wire()).as(d.fault() + ": " + d.preview() + " -> " + r.message()).isEqualTo(d.code());
    }
  }

  @Test
  void noRecordIsOneTheOrchestratorWouldApply() {
    for (int batch = 0; batch < 2; batch++) {
      for (RecordCase c : FuzzBatches.records(5, batch, 1_000)) {
        String value = c.value() == null ? null : new String(c.value(), StandardCharsets.UTF_8);
        String key = c.key() == null ? null : new String(c.key(), StandardCharsets.UTF_8);
        if (value == null || (c.expect() instanceof Expect.Rejected r && r.codes().contains(Doc.TOO_LARGE))) {
          continue;
        }
        switch (c.topic()) {
          case LIVENESS, TIMERS -> assertThat(appliable(value, key, ControlMessage.class)).as(c.describe()).isFalse();
          case HEARTBEATS -> assertThat(heartbeatAccepted(value, key)).as(c.describe()).isFalse();
          case COMMANDS -> {
            boolean valid = appliable(value, key, CommandEnvelope.class);
            boolean notFound = c.expect() instanceof Expect.Rejected r && r.codes().contains("not_found");
            assertThat(valid).as(c.describe()).isEqualTo(notFound);
          }
          default -> { }
        }
      }
    }
  }

  private static boolean appliable(String value, String key, Class<?> type) {
    if (key != null && key.length() > Limits.MAX_KEY_BYTES) {
      return false;
    }
    Object parsed;
    try {
      parsed = Json.fromString(value, type);
    } catch (RuntimeException e) {
      return false;
    }
    if (parsed instanceof ControlMessage m) {
      return ControlMessageValidator.validate(m).valid();
    }
    return CommandValidator.validate((CommandEnvelope) parsed).valid();
  }

  private static boolean heartbeatAccepted(String value, String key) {
    if (value.length() > Limits.MAX_HEARTBEAT_BYTES || (key != null && key.length() > Limits.MAX_KEY_BYTES)) {
      return false;
    }
    try {
      return HeartbeatValidator.validate(Json.fromString(value, NodeHeartbeat.class), key).valid();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void quotingEscapesWhatJsonMustAndKeepsTheRest() {
    assertThat(Hostile.quote("a\"b\\c\u0000\ud800\ud83d\ude00")).isEqualTo("\"a\\\"b\\\\c\\u0000\\ud800\ud83d\ude00\"");
  }
}
