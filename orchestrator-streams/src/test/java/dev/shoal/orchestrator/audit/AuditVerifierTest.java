package dev.shoal.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.streams.DecisionOutputs.Published;
import dev.shoal.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier's rules on hand-made logs: what Kafka explains is not a divergence, the rest is. */
class AuditVerifierTest {
  private final Topics topics = Topics.defaults();
  private final MemoryLogs logs = new MemoryLogs(topics);
  private final List<Divergence> found = new ArrayList<>();
  private final Verifier verifier = new Verifier(logs, topics, found::add);
  private final String tasks = topics.tasks.name();
  private final String events = topics.events.name();

  private static byte[] b(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private Published task(String key, String value) {
    return new Published(tasks, key, b(value));
  }

  @Test
  void aRecordCompactionRemovedIsNoDivergenceWhenTheKeyWasWrittenAgain() {
    logs.append(tasks, "t1", b("{\"v\":2}"), 20, 2L); // the record of decision 1 was compacted away
    verifier.decision(1, 0, 10, List.of(task("t1", "{\"v\":1}")));
    verifier.decision(2, 1, 20, List.of(task("t1", "{\"v\":2}")));
    Verifier.Counts c = verifier.finish(2);
    assertThat(found).isEmpty();
    assertThat(c.compactedAway()).isEqualTo(1);
    assertThat(c.matched()).isEqualTo(1);
  }

  @Test
  void theLatestRecordOfAKeyIsNeverCompactedAway() {
    logs.append(tasks, "t1", b("{\"v\":1}"), 10, 1L);
    verifier.decision(1, 0, 10, List.of(task("t1", "{\"v\":1}")));
    verifier.decision(2, 1, 20, List.of(task("t2", "{\"v\":1}")));
    verifier.finish(2);
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Divergence.MISSING);
      assertThat(d.key()).isEqualTo("t2");
      assertThat(d.sequence()).isEqualTo(2);
    });
  }

  @Test
  void aTombstoneMayBeGoneAndARecordTimeMustBeTheDecisionsTime() {
    logs.append(tasks, "t2", b("{}"), 99, 1L);
    verifier.decision(1, 0, 10, List.of(task("t1", null), task("t2", "{}")));
    Verifier.Counts c = verifier.finish(1);
    assertThat(c.compactedAway()).isEqualTo(1);
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Divergence.DIFFERENT);
      assertThat(d.detail()).contains("record time is 99");
    });
  }

  @Test
  void rejectionsWithoutASequenceAreNoDecisionsButOtherRecordsWithoutOneAreUnexpected() {
    logs.append(events, "web", b("{\"type\":\"spec.rejected\",\"entityKind\":\"service\",\"entityId\":\"web\","
        + "\"message\":\"bad\",\"attributes\":{},\"time\":1}"), 1, null);
    logs.append(events, "web", b("{\"type\":\"service.created\",\"entityKind\":\"service\",\"entityId\":\"web\","
        + "\"message\":\"made up\",\"attributes\":{},\"time\":1}"), 1, null);
    Verifier.Counts c = verifier.finish(0);
    assertThat(c.notDecisions()).isEqualTo(1);
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Divergence.UNEXPECTED);
      assertThat(d.where()).isEqualTo(events + "-0@1");
    });
  }

  @Test
  void aRecordOfADecisionThatDidNotPublishItIsUnexpectedAndItsOwnRecordMissing() {
    logs.append(tasks, "t1", b("{}"), 10, 1L);
    logs.append(tasks, "t9", b("{}"), 10, 1L);
    verifier.decision(1, 0, 10, List.of(task("t1", "{}")));
    verifier.decision(2, 1, 10, List.of(new Published(events, "e", b("{}"))));
    verifier.finish(2);
    assertThat(found).extracting(Divergence::kind).containsExactly(Divergence.UNEXPECTED, Divergence.MISSING);
    assertThat(found.get(0).key()).isEqualTo("t9");
    assertThat(found.get(1).where()).isEqualTo(events + "-0");
  }

  @Test
  void eventsBeforeTheRetentionHorizonExpiredButEventsAfterItAreMissing() {
    logs.append(events, "x", b("{}"), 1, 1L);
    logs.append(events, "y", b("{}"), 2, 2L);
    logs.append(events, "z", b("{}"), 3, 3L);
    logs.expire(events, 1); // decision 1's event is gone by retention
    logs.log(events).remove(1); // decision 3's is gone by no rule
    verifier.decision(1, 0, 1, List.of(new Published(events, "x", b("{}"))));
    verifier.decision(2, 1, 2, List.of(new Published(events, "y", b("{}"))));
    verifier.decision(3, 2, 3, List.of(new Published(events, "z", b("{}"))));
    Verifier.Counts c = verifier.finish(3);
    assertThat(c.expired()).isEqualTo(1);
    assertThat(found).singleElement().satisfies(d -> assertThat(d.sequence()).isEqualTo(3));
  }
}
