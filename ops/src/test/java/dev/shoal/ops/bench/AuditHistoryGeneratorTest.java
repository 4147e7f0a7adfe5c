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

  private List<String> controlValues(BenchHistory h, int n) {
    List<String> out = new ArrayList<>();
    h.run(n, d -> d.records().stream().filter(p -> p.topic().equals(topics.control.name()))
        .forEach(p -> out.add(new String(p.value(), java.nio.charset.StandardCharsets.UTF_8))), (d, t) -> { });
    return out;
  }
}
