package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.orchestrator.core.PlacementExplanation;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.ServiceHistory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay-based audit over what the real topology published for the issue's scenario (create, scale,
 * an update that rolls back, a node failure, a drain): verify finds no divergence, and finds the
 * ones made by hand; at, why and history tell what happened.
 */
class AuditReplayTest {
  private static AuditScenario scenario;

  @BeforeAll
  static void run() {
    scenario = new AuditScenario().standardScenario();
  }

  @AfterAll
  static void stop() {
    scenario.close();
  }

  private static Audit audit(AuditSource source, SnapshotCache cache, long every) {
    return scenario.audit(source, cache, every);
  }

  /** A copy of the scenario's logs, which a test may alter without disturbing the others. */
  private static MemoryLogs copy() {
    MemoryLogs m = new MemoryLogs(scenario.topics);
    for (var t : scenario.topics.all()) {
      for (LogRecord r : scenario.logs.log(t.name())) {
        m.append(r.topic(), r.key(), r.value(), r.timestamp(), r.sequence());
      }
    }
    return m;
  }

  @Test
  void theScenarioHappenedAsTold() {
    assertThat(scenario.updateState("web")).isEqualTo("rollback_completed");
    assertThat(scenario.logs.log(scenario.topics.events.name()).stream().map(LogRecord::text))
        .anyMatch(e -> e.contains("\"node.down\"")).anyMatch(e -> e.contains("\"service.rollback\""));
  }

  @Test
  void everyDecisionReplaysToTheRecordedOutputs() {
    VerifyReport r = audit(scenario.logs, null, 1000).verify(true);
    assertThat(r.shown()).isEmpty();
    assertThat(r.divergences()).isZero();
    long controlRecords = scenario.logs.log(scenario.topics.control.name()).size();
    assertThat(r.recordsReplayed()).isEqualTo(controlRecords).isGreaterThanOrEqualTo(20);
    assertThat(r.decisionsCompared()).isEqualTo(controlRecords);
    assertThat(r.matched()).isGreaterThan(controlRecords);
    assertThat(r.summary()).isEqualTo(controlRecords + " records replayed, " + controlRecords
        + " decisions compared, 0 divergences");
  }

  @Test
  void aHandMadeTaskRecordIsADivergence() {
    MemoryLogs logs = copy();
    String tasks = scenario.topics.tasks.name();
    LogRecord made = logs.append(tasks, "made-by-hand", "{\"id\":\"made-by-hand\"}".getBytes(StandardCharsets.UTF_8),
        scenario.now.toEpochMilli(), null);
    VerifyReport r = audit(logs, null, 1000).verify(true);
    assertThat(r.divergences()).isEqualTo(1);
    Divergence d = r.shown().get(0);
    assertThat(d.kind()).isEqualTo(Divergence.UNEXPECTED);
    assertThat(d.where()).isEqualTo(made.where());
    assertThat(d.key()).isEqualTo("made-by-hand");
    assertThat(d.detail()).contains("no shoal-sequence header");
    assertThat(r.summary()).endsWith(", 1 divergence");
  }

  @Test
  void aRecordWithAForgedSequenceOrAnAlteredValueIsADivergence() {
    MemoryLogs logs = copy();
    String tasks = scenario.topics.tasks.name();
    List<LogRecord> log = logs.log(tasks);
    LogRecord victim = log.get(3);
    Task t = Json.fromBytes(victim.value(), Task.class);
    byte[] altered = Json.toBytes(t.withNode("n9", t.status(), t.updatedAt()));
    logs.replace(tasks, 3, new LogRecord(victim.topic(), 0, victim.offset(), victim.key(), altered, victim.timestamp(),
        false, victim.sequence()));
    logs.append(tasks, victim.key(), victim.value(), victim.timestamp(), victim.sequence()); // a copy, much later
    VerifyReport r = audit(logs, null, 1000).verify(true);
    assertThat(r.shown()).extracting(Divergence::kind).containsExactly(Divergence.DIFFERENT, Divergence.UNEXPECTED);
    assertThat(r.shown().get(0).detail()).contains("nodeId is \"n9\"");
    assertThat(r.shown().get(0).sequence()).isEqualTo(victim.sequence());
    assertThat(r.shown().get(1).where()).isEqualTo(tasks + "-0@" + (log.get(log.size() - 1).offset()));
  }

  @Test
  void aMissingEventIsADivergenceUnlessRetentionRemovedIt() {
    MemoryLogs logs = copy();
    String events = scenario.topics.events.name();
    LogRecord gone = logs.log(events).remove(10);
    VerifyReport r = audit(logs, null, 1000).verify(true);
    assertThat(r.divergences()).isEqualTo(1);
    assertThat(r.shown().get(0).kind()).isEqualTo(Divergence.MISSING);
    assertThat(r.shown().get(0).sequence()).isEqualTo(gone.sequence());

    MemoryLogs expired = copy();
    expired.expire(events, 10);
    VerifyReport e = audit(expired, null, 1000).verify(true);
    assertThat(e.divergences()).isZero();
    assertThat(e.expired()).isEqualTo(10);
  }

  @Test
  void atShowsTheClusterBetweenTwoSteps() {
    ClusterAt at = audit(scenario.logs, null, 1000).at(scenario.mark0("scaled"));
    Service web = at.services().stream().filter(s -> s.name().equals("web")).findFirst().orElseThrow();
    assertThat(web.spec().replicas()).isEqualTo(3);
    assertThat(web.spec().command()).containsExactly("sleep", "600");
    assertThat(web.updateStatus()).isNull();
    assertThat(at.tasks()).filteredOn(t -> t.state().name().equals("RUNNING")).hasSize(3);
    assertThat(at.nodes()).allMatch(n -> n.isReady());

    ClusterAt later = audit(scenario.logs, null, 1000).at(scenario.mark0("n3-down"));
    assertThat(later.nodes()).filteredOn(n -> n.id().equals("n3")).singleElement()
        .satisfies(n -> assertThat(n.status()).isEqualTo("down"));
    assertThat(later.sequence()).isGreaterThan(at.sequence());
  }

  @Test
  void whyNamesTheFilterThatExcludedADrainedNode() {
    // The drain replaced n1's tasks: the last task placed tells why not n1 (drained) nor n3 (down).
    Task replacement = scenario.tasks.values().stream()
        .filter(t -> t.serviceName().equals("web") && "n2".equals(t.nodeId()) && t.createdAt() >= scenario.mark0("n3-down"))
        .findFirst().orElseThrow();
    TaskStory story = audit(scenario.logs, null, 1000).why(replacement.id());
    assertThat(story.known()).isTrue();
    assertThat(story.steps()).extracting(TaskStory.Step::what).startsWith("created", "placed");
    assertThat(story.steps().get(0).detail()).contains("replaces task").contains("n1 is draining");
    TaskStory.Step placed = story.steps().get(1);
    assertThat(placed.exact()).isTrue();
    PlacementExplanation p = placed.placement();
    assertThat(p.chosenNodeId()).isEqualTo("n2");
    assertThat(p.candidates()).filteredOn(c -> c.nodeId().equals("n1")).singleElement()
        .satisfies(c -> assertThat(c.excludedBy()).isEqualTo("node availability drain"));
    assertThat(p.candidates()).filteredOn(c -> c.nodeId().equals("n3")).singleElement()
        .satisfies(c -> assertThat(c.excludedBy()).isEqualTo("node down"));
  }

  @Test
  void whyTellsWhyATaskWasShutDown() {
    Task onN3 = scenario.tasks.values().stream().filter(t -> "n3".equals(t.nodeId()) && t.serviceName().equals("web")
        && t.desiredState().name().equals("SHUTDOWN")).reduce((a, b) -> b).orElseThrow();
    TaskStory story = audit(scenario.logs, null, 1000).why(onN3.id());
    assertThat(story.steps()).filteredOn(s -> s.what().equals("desired")).last()
        .satisfies(s -> assertThat(s.detail()).contains("shutdown").contains("n3 is down"));
  }

  @Test
  void historyListsEveryVersionWithWhoWhenAndWhatChanged() {
    ServiceHistory h = audit(scenario.logs, null, 1000).history("web");
    List<HistoryEntry> versions = h.entries().stream().filter(e -> e.version() != null).toList();
    assertThat(versions).extracting(HistoryEntry::what).containsExactly("created", "scaled", "updated", "rollback");
    assertThat(versions).extracting(HistoryEntry::principal).containsExactly("alice", "bob", "alice", null);
    assertThat(versions.get(0).requestId()).isEqualTo("req-create");
    assertThat(versions.get(1).changes()).extracting(c -> c.line()).containsExactly("replicas: 2 → 3");
    assertThat(versions.get(2).changes()).extracting(c -> c.line()).contains("command: [\"sleep\",\"600\"] → [\"false\"]");
    assertThat(versions.get(3).changes()).extracting(c -> c.line()).contains("command: [\"false\"] → [\"sleep\",\"600\"]");
    assertThat(versions.get(3).events()).extracting(e -> e.type()).contains("service.rollback");
    assertThat(h.entries()).flatExtracting(e -> e.events() == null ? List.of() : e.events())
        .extracting(e -> e.type()).contains("service.rollback-completed");
  }

  @Test
  void snapshotsLetVerifyAndAtGoOnWithoutLosingTheProof(@TempDir Path dir) {
    SnapshotCache cache = new SnapshotCache(dir);
    VerifyReport first = audit(scenario.logs, cache, 10).verify(false);
    assertThat(first.resumedFrom()).isNull();
    assertThat(cache.entries()).isNotEmpty().allMatch(SnapshotCache.Entry::verified);
    VerifyReport second = audit(scenario.logs, cache, 10).verify(false);
    assertThat(second.resumedFrom()).isNotNull();
    assertThat(second.resumedFrom().sequence()).isEqualTo(first.lastSequence());
    assertThat(second.recordsReplayed()).isZero();
    assertThat(second.divergences()).isZero();

    // A record made by hand after the snapshot is still found.
    MemoryLogs logs = copy();
    logs.append(scenario.topics.tasks.name(), "made-by-hand", "{}".getBytes(StandardCharsets.UTF_8), 0, null);
    VerifyReport third = audit(logs, cache, 10).verify(false);
    assertThat(third.resumedFrom()).isNotNull();
    assertThat(third.divergences()).isEqualTo(1);

    // A recreated topic makes the verified snapshots unusable: verify starts over.
    MemoryLogs recreated = copy();
    recreated.recreate(scenario.topics.tasks.name());
    assertThat(audit(recreated, cache, 10).verify(false).resumedFrom()).isNull();

    // at from a snapshot is at from the start.
    long t = scenario.mark0("rolled-back");
    ClusterAt fromSnapshot = audit(scenario.logs, cache, 10).at(t);
    ClusterAt fromStart = audit(scenario.logs, null, 10).at(t);
    assertThat(Json.toString(fromSnapshot)).isEqualTo(Json.toString(fromStart));
  }

  @Test
  void aGapInTheControlLogStopsTheReplay() {
    MemoryLogs logs = copy();
    logs.log(scenario.topics.control.name()).remove(5);
    assertThatThrownBy(() -> audit(logs, null, 1000).verify(true)).isInstanceOf(ReplayException.class)
        .hasMessageContaining("gap");
  }
}
