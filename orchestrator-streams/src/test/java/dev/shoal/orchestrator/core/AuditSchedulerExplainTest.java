package dev.shoal.orchestrator.core;

import static dev.shoal.orchestrator.core.Fixtures.node;
import static dev.shoal.orchestrator.core.Fixtures.running;
import static dev.shoal.orchestrator.core.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Node;
import dev.shoal.schemas.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Scheduler#explain} says what {@link Scheduler#place} did, and why, for random clusters. */
class AuditSchedulerExplainTest {
  private final Scheduler scheduler = new Scheduler();

  @Test
  void theExplanationChoosesWhatPlaceChoosesAndNamesEachFilter() {
    Random random = new Random(13);
    ServiceSpec other = spec("{\"name\":\"other\",\"command\":[\"x\"]}");
    for (int round = 0; round < 500; round++) {
      ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"cpus\":"
          + (1 + random.nextInt(3)) + "}},\"placement\":{\"preferences\":[{\"spread\":\"node.labels.zone\"}]"
          + (random.nextBoolean() ? ",\"constraints\":[\"node.labels.zone!=c\"]" : "") + "}}");
      List<NodeInfo> nodes = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(6); i++) {
        Node n = node("n" + i, Map.of("zone", "abc".substring(i % 3, i % 3 + 1)), 1 + random.nextInt(4), 8L << 30);
        if (random.nextInt(5) == 0) {
          n = n.with(n.role(), random.nextBoolean() ? Node.DRAIN : Node.PAUSE, n.labels(), n.description(), n.status(),
              null, 0);
        }
        if (random.nextInt(6) == 0) {
          n = n.with(n.role(), n.availability(), n.labels(), n.description(), Node.DOWN, "gone", 0);
        }
        NodeInfo info = new NodeInfo(n, List.of());
        for (int t = random.nextInt(3); t > 0; t--) {
          info.add(running("t" + i + t, random.nextBoolean() ? "svc" : "other", random.nextBoolean() ? s : other, n.id(), t));
        }
        nodes.add(info);
      }
      Placement placed = scheduler.place(s, "svc", nodes);
      PlacementExplanation why = scheduler.explain(s, "svc", nodes);
      assertThat(why.chosenNodeId()).isEqualTo(placed.nodeId());
      assertThat(why.reason()).isEqualTo(placed.reason());
      assertThat(why.candidates()).hasSize(nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        PlacementExplanation.Candidate c = why.candidates().get(i);
        assertThat(c.nodeId()).isEqualTo(nodes.get(i).node().id());
        assertThat(c.excludedBy()).isEqualTo(scheduler.firstRejection(s, "svc", nodes.get(i)).orElse(null));
        assertThat(c.rank() == null).isEqualTo(c.excludedBy() != null);
        if (c.rank() != null) {
          assertThat(c.spread()).hasSize(1);
        }
      }
      assertThat(why.candidates().stream().filter(c -> c.rank() != null && c.rank() == 1).map(c -> c.nodeId()).findFirst()
          .orElse(null)).isEqualTo(placed.nodeId());
    }
  }

  @Test
  void aDrainedNodeIsExcludedByTheAvailabilityFilter() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"]}");
    Node drained = node("n1");
    drained = drained.with(drained.role(), Node.DRAIN, drained.labels(), drained.description(), drained.status(), null, 0);
    PlacementExplanation why = scheduler.explain(s, "svc", List.of(new NodeInfo(drained, List.of()),
        new NodeInfo(node("n2"), List.of())));
    assertThat(why.candidates().get(0).excludedBy()).isEqualTo("node availability drain");
    assertThat(why.candidates().get(1).rank()).isEqualTo(1);
    assertThat(why.chosenNodeId()).isEqualTo("n2");
  }
}
