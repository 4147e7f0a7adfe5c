package dev.shoal.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import dev.shoal.schemas.audit.FieldChange;
import dev.shoal.schemas.audit.HistoryEntry;
import dev.shoal.schemas.audit.ServiceHistory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A history page from the logs alone: requests with their outcomes, diffs, and the automatic steps between them. */
class AuditHistoryAssemblerTest {
  private static ServiceSpec spec(String json) {
    return SpecValidator.validate(json).spec();
  }

  private static HistoryAssembler.Event outcome(long seq, String type, String outcome, Long version) {
    Map<String, String> attrs = version == null ? Map.of("outcome", outcome)
        : Map.of("outcome", outcome, "version", Long.toString(version));
    return new HistoryAssembler.Event(seq, new ClusterEvent(type, "service", "web", type, attrs, seq * 1000));
  }

  private static HistoryAssembler.Event event(long seq, String type) {
    return new HistoryAssembler.Event(seq, new ClusterEvent(type, "service", "web", type + "!", Map.of(), seq * 1000));
  }

  private final ServiceSpec v1 = spec("{\"name\":\"web\",\"command\":[\"sleep\",\"1\"],\"replicas\":2}");
  private final ServiceSpec v3 = spec("{\"name\":\"web\",\"command\":[\"false\"],\"replicas\":3}");
  private final List<HistoryAssembler.Input> inputs = List.of(
      new HistoryAssembler.Input(3, 4, 4000, new ControlMessage.SpecApplied(v1, null, "alice", "r1")),
      new HistoryAssembler.Input(6, 7, 7000, new ControlMessage.CommandIssued(new CommandEnvelope(
          new Command.ScaleService("web", 3), "bob", "r2", 0))),
      new HistoryAssembler.Input(8, 9, 9000, new ControlMessage.SpecApplied(v3, 2L, null, null)),
      new HistoryAssembler.Input(9, 10, 10000, new ControlMessage.SpecApplied(v3, null, "alice", "r4")));
  private final List<HistoryAssembler.Event> events = List.of(outcome(4, "service.created", "applied", 1L),
      outcome(7, "service.scaled", "applied", 2L), outcome(9, "spec.rejected", "rejected", null),
      outcome(10, "service.updated", "applied", 3L), event(11, "service.rollback"),
      event(14, "service.rollback-completed"),
      new HistoryAssembler.Event(12, new ClusterEvent("task.failed", "task", "t1", "failed", Map.of(), 12000)));

  @Test
  void requestsWithTheirOutcomesDiffsAndTheAutomaticStepsBetween() {
    ServiceHistory h = HistoryAssembler.assemble("web", inputs, false, events, null, List.of());
    assertThat(h.entries()).extracting(HistoryEntry::what)
        .containsExactly("created", "scaled", "rejected", "updated", "rollback", "event");
    assertThat(h.entries()).extracting(HistoryEntry::version).containsExactly(1L, 2L, null, 3L, null, null);
    assertThat(h.entries()).extracting(HistoryEntry::principal).containsExactly("alice", "bob", null, "alice", null, null);
    assertThat(h.entries().get(1).changes()).extracting(FieldChange::line).containsExactly("replicas: 2 → 3");
    assertThat(h.entries().get(3).changes()).extracting(FieldChange::line)
        .containsExactly("command: [\"sleep\",\"1\"] → [\"false\"]");
    assertThat(h.entries().get(4).changes()).extracting(FieldChange::line)
        .containsExactly("command: [\"false\"] → [\"sleep\",\"1\"]");
    assertThat(h.entries().get(5).events()).singleElement().satisfies(e ->
        assertThat(e.type()).isEqualTo("service.rollback-completed"));
  }

  @Test
  void theFirstInputOfAFullPageIsOnlyTheBaseOfTheNextDiff() {
    ServiceHistory h = HistoryAssembler.assemble("web", inputs.subList(1, 4), true, events, "6", List.of());
    assertThat(h.entries().get(0).what()).isEqualTo("rejected");
    assertThat(h.older()).isEqualTo("6");
    // Without the spec before the scale, the update cannot be diffed: nothing is guessed.
    assertThat(h.entries().get(1).changes()).isNull();
  }

  @Test
  void withoutEventsTheOutcomeIsUnknownAndSaidSo() {
    ServiceHistory h = HistoryAssembler.assemble("web", inputs.subList(0, 1), false, List.of(), null, List.of());
    assertThat(h.entries()).singleElement().satisfies(e -> {
      assertThat(e.what()).isEqualTo("requested");
      assertThat(e.outcome()).isNull();
      assertThat(e.principal()).isEqualTo("alice");
    });
  }
}
