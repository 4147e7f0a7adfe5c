package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.DecisionCode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A history decided partly by another build's decision code (an upgrade half-way through): a replay
 * re-derives only the decisions its own code made, stops before the first one another code made, says
 * where, and finds no divergence in what it did check; the snapshot it leaves there lets the other
 * build go on. Another build is played by relabelling the scenario's control-log entries.
 */
class DecisionCodeReplayTest {
  private static final int THIS = DecisionCode.VERSION;
  private static AuditScenario scenario;
  private static List<LogRecord> control;
  /** The index in the control log of the first decision "the upgraded build" made. */
  private static int change;

  @BeforeAll
  static void run() {
    scenario = new AuditScenario().standardScenario();
    control = scenario.logs.log(scenario.topics.control.name());
    change = control.size() / 2;
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  private static Audit audit(AuditSource source, SnapshotCache cache) {
    return scenario.audit(source, cache, 1000);
  }

  /** The scenario's logs with the control-log entry at index i labelled {@code codeAt(i)} (negative: no header). */
  private static MemoryLogs relabelled(IntUnaryOperator codeAt) {
    MemoryLogs m = new MemoryLogs(scenario.topics);
    for (var t : scenario.topics.all()) {
      List<LogRecord> log = scenario.logs.log(t.name());
      boolean isControl = t.name().equals(scenario.topics.control.name());
      for (int i = 0; i < log.size(); i++) {
        LogRecord r = log.get(i);
        Integer code = isControl ? codeAt.applyAsInt(i) : null;
        m.append(r.topic(), r.key(), r.value(), r.timestamp(), r.sequence(), code == null || code < 0 ? null : code);
      }
    }
    return m;
  }

  @Test
  void everyControlLogEntryNamesTheDecisionCodeThatMadeIt() {
    assertThat(control).hasSizeGreaterThanOrEqualTo(20).allSatisfy(r -> assertThat(r.decisionCode()).isEqualTo(THIS));
    // the derived records carry only the sequence
    assertThat(scenario.logs.log(scenario.topics.tasks.name())).isNotEmpty()
        .allSatisfy(r -> assertThat(r.decisionCode()).isNull());
  }

  @Test
  void verifyStopsBeforeTheFirstDecisionOfAnotherCodeAndSaysWhere() {
    MemoryLogs logs = relabelled(i -> i < change ? THIS : THIS + 1);
    VerifyReport r = audit(logs, null).verify(true);
    LogRecord first = control.get(change);
    assertThat(r.divergences()).as(String.valueOf(r.shown())).isZero();
    assertThat(r.ok()).isTrue();
    assertThat(r.complete()).isFalse();
    assertThat(r.decisionsCompared()).isEqualTo(change);
    assertThat(r.lastSequence()).isEqualTo(control.get(change - 1).sequence());
    assertThat(r.decisionCode()).isEqualTo(THIS);
    assertThat(r.stoppedAt().sequence()).isEqualTo(first.sequence());
    assertThat(r.stoppedAt().controlOffset()).isEqualTo(first.offset());
    assertThat(r.stoppedAt().decisionCode()).isEqualTo(THIS + 1);
    assertThat(r.notes()).anyMatch(n -> n.contains("decision code " + (THIS + 1)) && n.contains("not checked"));
  }

  @Test
  void aHistoryThatBeginsWithAnotherCodesDecisionsIsNotReplayedAtAll() {
    VerifyReport r = audit(relabelled(i -> i < change ? THIS - 1 : THIS), null).verify(true);
    assertThat(r.recordsReplayed()).isZero();
    assertThat(r.divergences()).isZero();
    assertThat(r.complete()).isFalse();
    assertThat(r.stoppedAt().controlOffset()).isEqualTo(control.get(0).offset());
    assertThat(r.stoppedAt().decisionCode()).isEqualTo(THIS - 1);
  }

  @Test
  void anUpgradeIsVerifiedByBothBuildsThroughTheSnapshotLeftWhereTheCodeChanged(@TempDir Path dir) {
    SnapshotCache cache = new SnapshotCache(dir);
    // The old build (this code, then an unknown newer one) checks its part and leaves a snapshot there.
    VerifyReport old = audit(relabelled(i -> i < change ? THIS : THIS + 1), cache).verify(false);
    assertThat(old.divergences()).isZero();
    assertThat(old.stoppedAt()).isNotNull();
    assertThat(cache.entries()).extracting(SnapshotCache.Entry::sequence).contains(control.get(change - 1).sequence());

    // The new build (an older code, then this one) goes on from that snapshot to the end.
    VerifyReport upgraded = audit(relabelled(i -> i < change ? THIS - 1 : THIS), cache).verify(false);
    assertThat(upgraded.resumedFrom()).isNotNull();
    assertThat(upgraded.resumedFrom().sequence()).isEqualTo(control.get(change - 1).sequence());
    assertThat(upgraded.divergences()).as(String.valueOf(upgraded.shown())).isZero();
    assertThat(upgraded.complete()).isTrue();
    assertThat(upgraded.decisionsCompared()).isEqualTo(control.size() - change);
  }

  @Test
  void aDivergenceBeforeTheChangeIsStillFound() {
    MemoryLogs logs = relabelled(i -> i < change ? THIS : THIS + 1);
    String tasks = scenario.topics.tasks.name();
    LogRecord victim = logs.log(tasks).get(0);
    logs.replace(tasks, 0, new LogRecord(victim.topic(), 0, victim.offset(), victim.key(),
        "{\"altered\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8), victim.timestamp(), false,
        victim.sequence()));
    VerifyReport r = audit(logs, null).verify(true);
    assertThat(r.divergences()).isEqualTo(1);
    assertThat(r.ok()).isFalse();
    assertThat(r.complete()).isFalse();
  }

  @Test
  void atStopsBeforeAnotherCodesDecisionAndSaysSo() {
    long end = control.get(control.size() - 1).timestamp();
    ClusterAt at = audit(relabelled(i -> i < change ? THIS : THIS + 1), null).at(end);
    assertThat(at.sequence()).isEqualTo(control.get(change - 1).sequence());
    assertThat(at.notes()).anyMatch(n -> n.contains("decision code " + (THIS + 1)));
    ClusterAt all = audit(relabelled(i -> THIS), null).at(end);
    assertThat(all.sequence()).isEqualTo(control.get(control.size() - 1).sequence());
    assertThat(all.notes()).noneMatch(n -> n.contains("decision code"));
  }

  @Test
  void entriesWithoutTheHeaderAreReplayedAsThisBuilds() {
    VerifyReport r = audit(relabelled(i -> -1), null).verify(true);
    assertThat(r.complete()).isTrue();
    assertThat(r.divergences()).isZero();
    assertThat(r.decisionsCompared()).isEqualTo(control.size());
  }
}
