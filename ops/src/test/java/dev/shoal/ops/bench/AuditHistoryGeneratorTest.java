package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.audit.LogRecord;
import dev.shoal.orchestrator.audit.Replayer;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bench's history, without Kafka: the decision code accepts every input (signed statuses, known
 * nodes), the mix holds every kind the issue names, and the published control log replays to the same
 * records (what {@code shoal audit verify} will find).
 */
class AuditHistoryGeneratorTest {
  private static final long START = 1_700_000_000_000L;
  private final Topics topics = Topics.defaults();

  /** The history as the bench makes it: decisions take the agents' own signatures as signed. */
  private BenchHistory history(long seed) {
    AuditHistoryGenerator g = new AuditHistoryGenerator(seed, 20, 6, START, 20);
    return new BenchHistory(g, new BenchDecisions(topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, g.signatures()));
  }

  /** The history with every signature checked by the decisions, as the orchestrator does. */
  private BenchHistory checkedHistory(long seed) {
    return new BenchHistory(new AuditHistoryGenerator(seed, 20, 6, START, 20),
        new BenchDecisions(topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN));
  }

  @Test
  void everyInputIsDecidedAndTheMixHasEveryKind() {
    BenchHistory h = history(1);
    List<BenchDecisions.Decided> decided = new ArrayList<>();
    h.run(4_000, decided::add, (d, t) -> { });

    assertThat(h.refused()).isZero();
    assertThat(decided).hasSize(4_000);
    for (int i = 0; i < decided.size(); i++) {
      assertThat(decided.get(i).sequence()).isEqualTo(i + 1);
    }
    assertThat(decided.get(decided.size() - 1).time()).isGreaterThanOrEqualTo(START + 4_000 * 20);
    Map<String, Long> mix = h.mix();
    assertThat(mix).containsKeys("NodeUp", "NodeDown", "SpecApplied", "SpecRemoved", "TaskStatusReported",
        "TimerFired", "command:ScaleService", "command:UpdateNode");
    // Agents' reports dominate a busy cluster's inputs; every kind is there in some number.
    assertThat(mix.get("TaskStatusReported")).isGreaterThan(4_000 / 4);
    assertThat(mix.values()).allMatch(n -> n >= 10);
  }

  @Test
  void noInputIsRefusedAsForgedOrReplayed() {
    BenchHistory h = history(2);
    Map<String, Integer> events = new HashMap<>();
    h.run(3_000, d -> d.records().stream().filter(r -> r.topic().equals(topics.events.name()))
        .forEach(r -> events.merge(Json.fromBytes(r.value(), ClusterEvent.class).type(), 1, Integer::sum)),
        (d, t) -> { });

    assertThat(events).doesNotContainKeys("task-status.rejected", "heartbeat.rejected", "control.failed");
    assertThat(events).containsKeys("task.failed");
  }

  @Test
  void theControlLogItPublishesReplaysToTheSameRecords() {
    BenchHistory h = history(3);
    List<BenchDecisions.Decided> decided = new ArrayList<>();
    h.run(2_000, decided::add, (d, t) -> { });

    Replayer r = new Replayer(topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, new Scheduler());
    long offset = 0;
    for (BenchDecisions.Decided d : decided) {
      DecisionOutputs.Published control = d.records().stream().filter(p -> p.topic().equals(topics.control.name()))
          .findFirst().orElseThrow();
      Replayer.Step step = r.apply(new LogRecord(topics.control.name(), 0, offset++, control.key(), control.value(),
          d.time(), false, d.sequence()));
      assertThat(step).isInstanceOf(Replayer.Decided.class);
      List<DecisionOutputs.Published> again = ((Replayer.Decided) step).outputs();
      assertThat(again).hasSameSizeAs(d.records());
      for (int i = 0; i < again.size(); i++) {
        assertThat(again.get(i).key()).isEqualTo(d.records().get(i).key());
        assertThat(Arrays.equals(again.get(i).value(), d.records().get(i).value())).isTrue();
      }
    }
  }

  @Test
  void aSeedMakesTheSameHistory() {
    List<String> first = controlValues(history(7), 1_500);
    assertThat(controlValues(history(7), 1_500)).isEqualTo(first);
    assertThat(controlValues(history(8), 1_500)).isNotEqualTo(first);
  }

  @Test
  void takingTheAgentsOwnSignaturesAsSignedDecidesAsCheckingThem() {
    List<String> checked = new ArrayList<>();
    checkedHistory(9).run(1_500, d -> d.records().forEach(p -> checked.add(p.topic() + " " + p.key() + " "
        + Arrays.toString(p.value()))), (d, t) -> { });
    List<String> trusted = new ArrayList<>();
    history(9).run(1_500, d -> d.records().forEach(p -> trusted.add(p.topic() + " " + p.key() + " "
        + Arrays.toString(p.value()))), (d, t) -> { });
    assertThat(trusted).isEqualTo(checked).hasSizeGreaterThan(1_500);
  }

  /**
   * Agents that report every task they are told to stop, also once their node is up again (as a
   * level-triggered agent does), keep the state bounded. Each slot keeps its newest 5 tasks (the
   * default task history) and older ones are forgotten once ended; 20 services of at most 6 slots
   * (replicas 1 to 6) so hold at most 20 x 6 x 5 = 600 tasks, with room for the few still stopping as
   * most services have fewer slots. Agents that forgot what they owed while their node was down let
   * tasks of removed services and shut-down tasks pile up: 803 here after 100,000 decisions, and
   * growing.
   */
  @Test
  void theStateStaysBoundedOverALongHistory() {
    AuditHistoryGenerator g = new AuditHistoryGenerator(4, 20, 6, START, 20);
    BenchDecisions decisions = new BenchDecisions(topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, g.signatures());
    BenchHistory h = new BenchHistory(g, decisions);
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      h.run(2_000, d -> { }, (d, t) -> { });
      sizes.add(decisions.state().taskCount());
    }
    assertThat(h.refused()).isZero();
    assertThat(sizes).allMatch(n -> n <= 600, "at most 600 tasks after every 2,000 decisions");
  }

  private List<String> controlValues(BenchHistory h, int n) {
    List<String> out = new ArrayList<>();
    h.run(n, d -> d.records().stream().filter(p -> p.topic().equals(topics.control.name()))
        .forEach(p -> out.add(new String(p.value(), java.nio.charset.StandardCharsets.UTF_8))), (d, t) -> { });
    return out;
  }
}
