package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.DecisionCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --follow} over a history that grows between rounds: the scenario's logs are handed
 * out a part at a time (every topic up to a decision), as a cluster that goes on deciding would
 * show them. Each round verifies only what is new; a divergence or another decision code's
 * decision ends the run; a stop leaves a verified snapshot that a later verify goes on from.
 */
class AuditFollowTest {
  private static AuditScenario scenario;
  private static List<LogRecord> control;

  @BeforeAll
  static void run() {
    scenario = new AuditScenario().standardScenario();
    control = scenario.logs.log(scenario.topics.control.name());
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  private static Audit audit(AuditSource source, SnapshotCache cache, long every) {
    return scenario.audit(source, cache, every);
  }

  /** The sequence of the decision at {@code fraction} of the control log. */
  private static long sequenceAt(double fraction) {
    return control.get((int) (control.size() * fraction) - 1).sequence();
  }

  private static long controlRecordsUpTo(long sequence) {
    return control.stream().filter(r -> r.sequence() <= sequence).count();
  }

  /** The scenario's logs, handed out up to a decision at a time, control entries labelled by {@code codeAt}. */
  private static final class GrowingLogs {
    final MemoryLogs logs = new MemoryLogs(scenario.topics);
    private final Map<String, Integer> next = new HashMap<>();
    private final IntUnaryOperator codeAt;

    GrowingLogs(IntUnaryOperator codeAt) {
      this.codeAt = codeAt;
    }

    GrowingLogs() {
      this(i -> DecisionCode.VERSION);
    }

    /** Appends, in every topic, the records of the decisions up to {@code sequence} not handed out yet. */
    GrowingLogs upTo(long sequence) {
      for (var t : scenario.topics.all()) {
        List<LogRecord> all = scenario.logs.log(t.name());
        boolean isControl = t.name().equals(scenario.topics.control.name());
        int i = next.getOrDefault(t.name(), 0);
        for (; i < all.size() && (all.get(i).sequence() == null || all.get(i).sequence() <= sequence); i++) {
          LogRecord r = all.get(i);
          logs.append(r.topic(), r.key(), r.value(), r.timestamp(), r.sequence(),
              isControl ? Integer.valueOf(codeAt.applyAsInt(i)) : null);
        }
        next.put(t.name(), i);
      }
      return this;
    }
  }

  @Test
  void eachRoundVerifiesOnlyTheDecisionsMadeSinceAndAStopLeavesASnapshotToGoOnFrom(@TempDir Path dir)
      throws InterruptedException {
    SnapshotCache cache = new SnapshotCache(dir);
    GrowingLogs growing = new GrowingLogs().upTo(sequenceAt(1.0 / 3));
    List<Long> stages = List.of(sequenceAt(2.0 / 3), control.get(control.size() - 1).sequence());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger pauses = new AtomicInteger();
    List<Integer> snapshotsSeenInPauses = new ArrayList<>();
    List<VerifyReport> rounds = new ArrayList<>();
    AuditFollow.Outcome outcome = new AuditFollow(() -> growing.logs, s -> audit(s, cache, 1000))
        .run(false, stop::get, s -> {
          snapshotsSeenInPauses.add(cache.entries().size());
          int n = pauses.getAndIncrement();
          if (n < stages.size()) {
            growing.upTo(stages.get(n));
          } else {
            stop.set(true);
          }
        }, r -> rounds.add(r.report()));

    assertThat(outcome.stopped()).isTrue();
    assertThat(outcome.rounds()).isEqualTo(3);
    assertThat(rounds).allSatisfy(r -> assertThat(r.divergences()).as(String.valueOf(r.shown())).isZero());
    long first = sequenceAt(1.0 / 3);
    long second = stages.get(0);
    long last = stages.get(1);
    assertThat(rounds).extracting(VerifyReport::recordsReplayed).containsExactly(controlRecordsUpTo(first),
        controlRecordsUpTo(second) - controlRecordsUpTo(first), controlRecordsUpTo(last) - controlRecordsUpTo(second));
    assertThat(rounds).extracting(VerifyReport::lastSequence).containsExactly(first, second, last);
    assertThat(rounds.get(0).resumedFrom()).isNull();
    assertThat(rounds.get(1).resumedFrom().sequence()).isEqualTo(first);
    assertThat(rounds.get(2).resumedFrom().sequence()).isEqualTo(second);
    // No snapshot at a round's end (fewer decisions than --snapshot-every): only where the run stopped.
    assertThat(snapshotsSeenInPauses).containsOnly(0);
    assertThat(cache.entries()).singleElement().satisfies(e -> {
      assertThat(e.verified()).isTrue();
      assertThat(e.sequence()).isEqualTo(last);
    });

    VerifyReport later = audit(growing.logs, cache, 1000).verify(false);
    assertThat(later.resumedFrom().sequence()).isEqualTo(last);
    assertThat(later.recordsReplayed()).isZero();
    assertThat(later.divergences()).isZero();
  }

  @Test
  void aRecordMadeByHandBetweenRoundsIsFoundAndEndsTheRun(@TempDir Path dir) throws InterruptedException {
    SnapshotCache cache = new SnapshotCache(dir);
    GrowingLogs growing = new GrowingLogs().upTo(sequenceAt(0.5));
    LogRecord[] made = new LogRecord[1];
    List<VerifyReport> rounds = new ArrayList<>();
    AuditFollow.Outcome outcome = new AuditFollow(() -> growing.logs, s -> audit(s, cache, 1000))
        .run(false, () -> false, s -> {
          assertThat(made[0]).as("the run goes on after the divergence").isNull();
          growing.upTo(sequenceAt(0.75));
          made[0] = growing.logs.append(scenario.topics.tasks.name(), "made-by-hand",
              "{\"id\":\"made-by-hand\"}".getBytes(StandardCharsets.UTF_8), scenario.now.toEpochMilli(), null);
        }, r -> rounds.add(r.report()));

    assertThat(outcome.stopped()).isFalse();
    assertThat(outcome.rounds()).isEqualTo(2);
    VerifyReport second = outcome.last().report();
    assertThat(second.ok()).isFalse();
    assertThat(second.divergences()).isEqualTo(1);
    assertThat(second.shown()).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Divergence.UNEXPECTED);
      assertThat(d.where()).isEqualTo(made[0].where());
    });
    assertThat(second.recordsReplayed()).isEqualTo(controlRecordsUpTo(sequenceAt(0.75))
        - controlRecordsUpTo(sequenceAt(0.5)));
    assertThat(rounds.get(0).divergences()).isZero();
    // A run that found a divergence leaves no verified snapshot past what it verified before.
    assertThat(cache.entries()).isEmpty();
  }

  @Test
  void aDecisionOfAnotherDecisionCodeEndsTheRunWithAVerifiedSnapshotBeforeIt(@TempDir Path dir)
      throws InterruptedException {
    SnapshotCache cache = new SnapshotCache(dir);
    int change = control.size() * 2 / 3;
    GrowingLogs growing = new GrowingLogs(i -> i < change ? DecisionCode.VERSION : DecisionCode.VERSION + 1)
        .upTo(sequenceAt(1.0 / 3));
    AuditFollow.Outcome outcome = new AuditFollow(() -> growing.logs, s -> audit(s, cache, 1000))
        .run(false, () -> false, s -> growing.upTo(Long.MAX_VALUE), r -> { });

    VerifyReport last = outcome.last().report();
    assertThat(outcome.rounds()).isEqualTo(2);
    assertThat(outcome.stopped()).isFalse();
    assertThat(last.ok()).isTrue();
    assertThat(last.complete()).isFalse();
    assertThat(last.stoppedAt().sequence()).isEqualTo(control.get(change).sequence());
    assertThat(cache.entries()).singleElement().satisfies(e -> {
      assertThat(e.verified()).isTrue();
      assertThat(e.sequence()).isEqualTo(control.get(change - 1).sequence());
    });
  }

  @Test
  void aStopInTheMiddleOfARoundEndsItBetweenTwoDecisionsAndTheNextVerifyGoesOnFromThere(@TempDir Path dir)
      throws InterruptedException {
    SnapshotCache cache = new SnapshotCache(dir);
    AtomicInteger asked = new AtomicInteger();
    AuditFollow.Outcome outcome = new AuditFollow(() -> scenario.logs, s -> audit(s, cache, 1000))
        .run(true, () -> asked.incrementAndGet() > 10, s -> {
          throw new AssertionError("the run stops within its first round");
        }, r -> { });

    VerifyReport first = outcome.last().report();
    assertThat(outcome.stopped()).isTrue();
    assertThat(first.divergences()).isZero();
    assertThat(first.recordsReplayed()).isEqualTo(10);
    assertThat(cache.entries()).singleElement()
        .satisfies(e -> assertThat(e.sequence()).isEqualTo(first.lastSequence()));

    VerifyReport rest = audit(scenario.logs, cache, 1000).verify(false);
    assertThat(rest.resumedFrom().sequence()).isEqualTo(first.lastSequence());
    assertThat(rest.recordsReplayed()).isEqualTo(control.size() - 10);
    assertThat(rest.divergences()).as(String.valueOf(rest.shown())).isZero();
  }
}
