package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reading the control log ahead of the replay, signatures checked on a pool: the inputs come in log
 * order with the verdicts a check on the spot gives, the replay decides the same, and a forged
 * status is still refused.
 */
class ControlReadAheadTest {
  private static AuditScenario scenario;

  @BeforeAll
  static void run() {
    scenario = new AuditScenario().standardScenario();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  private static List<LogRecord> control(MemoryLogs logs) {
    return logs.log(scenario.topics.control.name());
  }

  private static List<ReplayInput> readAll(ControlLog log, int threads) {
    List<ReplayInput> all = new ArrayList<>();
    try (ControlReadAhead ahead = new ControlReadAhead(log, 0, Map.of(), threads)) {
      for (List<ReplayInput> batch = ahead.next(); !batch.isEmpty(); batch = ahead.next()) {
        all.addAll(batch);
      }
    }
    return all;
  }

  @Test
  void inputsComeInLogOrderWithEveryStatusAndBatchCheckedAhead() {
    List<ReplayInput> read = readAll(scenario.logs.control(), 4);
    List<LogRecord> log = control(scenario.logs);
    assertThat(read).extracting(ReplayInput::record).containsExactlyElementsOf(log);
    long statuses = 0;
    long batches = 0;
    for (ReplayInput in : read) {
      assertThat(in.message()).isEqualTo(Json.fromBytes(in.record().value(), ControlMessage.class));
      if (in.message() instanceof ControlMessage.TaskStatusReported t) {
        statuses++;
        // The scenario's agents signed every status with their node's key.
        assertThat(in.signature()).isNotNull();
        assertThat(in.signature().signed()).isSameAs(t.status());
        assertThat(in.signature().valid()).isTrue();
      } else if (in.message() instanceof ControlMessage.TaskStatusesReported t) {
        batches++;
        assertThat(in.signature()).isNotNull();
        assertThat(in.signature().signed()).isSameAs(t.batch());
        assertThat(in.signature().valid()).isTrue();
      } else {
        assertThat(in.signature()).isNull();
      }
    }
    assertThat(statuses).isPositive();
    assertThat(batches).isPositive();
    assertThat(statuses + batches).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theReplayDecidesTheSameWithVerdictsCheckedAhead() {
    Replayer ahead = new Replayer(scenario.topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, new Scheduler());
    Replayer onTheSpot = new Replayer(scenario.topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, new Scheduler());
    List<ReplayInput> read = readAll(scenario.logs.control(), 3);
    long statuses = 0;
    for (ReplayInput in : read) {
      Replayer.Step a = ahead.apply(in);
      Replayer.Step b = onTheSpot.apply(in.record());
      assertThat(a.getClass()).isEqualTo(b.getClass());
      if (a instanceof Replayer.Decided da && b instanceof Replayer.Decided db) {
        assertThat(bytes(da.outputs())).isEqualTo(bytes(db.outputs()));
        statuses += da.message() instanceof ControlMessage.TaskStatusReported
            || da.message() instanceof ControlMessage.TaskStatusesReported ? 1 : 0;
      }
    }
    assertThat(ahead.signatures().answered()).isEqualTo(statuses).isPositive();
    assertThat(ahead.signatures().checked()).isZero();
    assertThat(onTheSpot.signatures().checked()).isEqualTo(statuses);
  }

  @Test
  void aForgedStatusIsFoundAheadAndRefusedByTheReplay() {
    MemoryLogs logs = copy();
    List<LogRecord> log = control(logs);
    int at = -1;
    for (int i = 0; i < log.size() && at < 0; i++) {
      if (log.get(i).text().contains("\"message\":\"running\"")) {
        at = i;
      }
    }
    assertThat(at).isNotNegative();
    LogRecord victim = log.get(at);
    byte[] forged = victim.text().replace("\"message\":\"running\"", "\"message\":\"runninG\"")
        .getBytes(StandardCharsets.UTF_8);
    logs.replace(scenario.topics.control.name(), at, new LogRecord(victim.topic(), 0, victim.offset(), victim.key(),
        forged, victim.timestamp(), false, victim.sequence()));

    ReplayInput in = readAll(logs.control(), 2).get(at);
    assertThat(in.signature()).isNotNull();
    assertThat(in.signature().valid()).isFalse();

    VerifyReport r = new Audit(logs, scenario.topics, new Audit.Options(OrchestratorSettings.DEFAULTS,
        Audit.Joins.OPEN, null, 1000, 50), null, Progress.NONE).verify(true);
    assertThat(r.divergences()).isPositive();
    assertThat(r.shown()).anyMatch(d -> victim.sequence().equals(d.sequence()) && d.expected() != null
        && d.expected().contains("task-status.rejected"));
  }

  @Test
  void aReplayThatStopsEarlyStopsTheReader() {
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      try (ControlReadAhead ahead = new ControlReadAhead(scenario.logs.control(), 0, Map.of(), 2)) {
        assertThat(ahead.next()).isNotEmpty();
      }
    });
  }

  @Test
  void aFailureToReadTheLogReachesTheReplay() {
    ControlLog broken = new ControlLog() {
      @Override
      public long startOffset() {
        return 0;
      }

      @Override
      public long endOffset() {
        return 10;
      }

      @Override
      public void seek(long offset) {
      }

      @Override
      public List<LogRecord> next() {
        throw new IllegalStateException("the broker went away");
      }

      @Override
      public Optional<LogRecord> at(long offset) {
        return Optional.empty();
      }

      @Override
      public long offsetForTime(long time) {
        return 10;
      }
    };
    try (ControlReadAhead ahead = new ControlReadAhead(broken, 0, Map.of(), 2)) {
      assertThatThrownBy(ahead::next).isInstanceOf(IllegalStateException.class).hasMessage("the broker went away");
      assertThat(ahead.next()).isEmpty();
    }
  }

  private static List<String> bytes(List<dev.shoal.orchestrator.streams.DecisionOutputs.Published> outputs) {
    return outputs.stream().map(o -> o.topic() + " " + o.key() + " " + Arrays.toString(o.value())).toList();
  }

  private static MemoryLogs copy() {
    MemoryLogs m = new MemoryLogs(scenario.topics);
    for (var t : scenario.topics.all()) {
      for (LogRecord r : scenario.logs.log(t.name())) {
        m.append(r.topic(), r.key(), r.value(), r.timestamp(), r.sequence());
      }
    }
    return m;
  }
}
