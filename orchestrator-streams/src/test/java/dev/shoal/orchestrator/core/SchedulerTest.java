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
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private final Scheduler scheduler = new Scheduler();

  private static List<NodeInfo> infos(Node... nodes) {
    List<NodeInfo> l = new ArrayList<>();
    for (Node n : nodes) {
      l.add(new NodeInfo(n, List.of()));
    }
    return l;
  }

  @Test
  void fewestTasksOfTheServiceThenNodeId() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"]}");
    List<NodeInfo> nodes = infos(node("n1"), node("n2"));
    assertThat(scheduler.place(s, "svc", nodes).nodeId()).isEqualTo("n1");
    nodes.get(0).add(running("t1", "svc", s, "n1", 1));
    assertThat(scheduler.place(s, "svc", nodes).nodeId()).isEqualTo("n2");
  }

  @Test
  void fewestTasksOverallBreaksServiceTies() {
    ServiceSpec a = spec("{\"name\":\"a\",\"command\":[\"x\"]}");
    ServiceSpec b = spec("{\"name\":\"b\",\"command\":[\"x\"]}");
    List<NodeInfo> nodes = infos(node("n1"), node("n2"));
    nodes.get(0).add(running("t1", "other", b, "n1", 1));
    assertThat(scheduler.place(a, "svc", nodes).nodeId()).isEqualTo("n2");
  }

  @Test
  void constraintsOnLabelsRoleAndHostname() {
    List<NodeInfo> nodes = infos(node("n1", Map.of("zone", "a"), 4, 1L << 30), node("n2", Map.of("zone", "b"), 4, 1L << 30));
    assertThat(scheduler.place(spec("{\"name\":\"a\",\"command\":[\"x\"],\"placement\":{\"constraints\":[\"node.labels.zone==b\"]}}"),
        "s", nodes).nodeId()).isEqualTo("n2");
    assertThat(scheduler.place(spec("{\"name\":\"a\",\"command\":[\"x\"],\"placement\":{\"constraints\":[\"node.hostname!=host-n1\"]}}"),
        "s", nodes).nodeId()).isEqualTo("n2");
    Placement p = scheduler.place(spec("{\"name\":\"a\",\"command\":[\"x\"],\"placement\":{\"constraints\":[\"node.role==manager\"]}}"),
        "s", nodes);
    assertThat(p.node()).isEmpty();
    assertThat(p.reason()).isEqualTo("no suitable node (scheduling constraints not satisfied on 2 nodes)");
  }

  @Test
  void resourcesAreBooked() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"],\"resources\":{\"reservations\":{\"cpus\":1.5}}}");
    List<NodeInfo> nodes = infos(node("n1", Map.of(), 2, 1L << 30));
    assertThat(scheduler.place(s, "s", nodes).nodeId()).isEqualTo("n1");
    nodes.get(0).add(running("t1", "s", s, "n1", 1));
    assertThat(scheduler.place(s, "s", nodes).reason()).isEqualTo("no suitable node (insufficient cpu on 1 node)");
  }

  @Test
  void hostPortsAreNotDoubleBooked() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"],\"ports\":[{\"target\":80,\"published\":8080,\"mode\":\"host\"}]}");
    List<NodeInfo> nodes = infos(node("n1"));
    nodes.get(0).add(running("t1", "s", s, "n1", 1));
    assertThat(scheduler.place(s, "s", nodes).reason()).contains("host-mode port already in use on 1 node");
  }

  @Test
  void maxReplicasPerNodeAndUnavailableNodes() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"],\"placement\":{\"maxReplicasPerNode\":1}}");
    Node drained = node("n2").with("worker", Node.DRAIN, Map.of(), node("n2").description(), Node.READY, null, 0);
    Node down = node("n3").with("worker", Node.ACTIVE, Map.of(), node("n3").description(), Node.DOWN, null, 0);
    List<NodeInfo> nodes = infos(node("n1"), drained, down);
    nodes.get(0).add(running("t1", "s", s, "n1", 1));
    assertThat(scheduler.place(s, "s", nodes).reason()).isEqualTo(
        "no suitable node (max replicas per node limit exceeded on 1 node; node availability drain on 1 node; node down on 1 node)");
  }

  @Test
  void spreadPreferenceBalancesOverLabelValues() {
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"],\"placement\":{\"preferences\":[{\"spread\":\"node.labels.zone\"}]}}");
    List<NodeInfo> nodes = infos(node("n1", Map.of("zone", "a"), 4, 1L << 30), node("n2", Map.of("zone", "a"), 4, 1L << 30),
        node("n3", Map.of("zone", "b"), 4, 1L << 30));
    int[] perZone = new int[2];
    for (int i = 0; i < 4; i++) {
      Placement p = scheduler.place(s, "s", nodes);
      NodeInfo chosen = nodes.stream().filter(n -> n.node().id().equals(p.nodeId())).findFirst().orElseThrow();
      chosen.add(running("t" + i, "s", s, p.nodeId(), i + 1));
      perZone["a".equals(chosen.node().labels().get("zone")) ? 0 : 1]++;
    }
    assertThat(perZone).containsExactly(2, 2);
  }

  /** The batch path is an optimisation only: on random clusters it places exactly as one-by-one placement. */
  @org.junit.jupiter.api.RepeatedTest(30)
  void placingARunGivesTheSamePlacementsAsOneByOne(org.junit.jupiter.api.RepetitionInfo info) {
    java.util.Random rnd = new java.util.Random(info.getCurrentRepetition());
    int nodeCount = 1 + rnd.nextInt(12);
    String reservation = rnd.nextBoolean() ? ",\"resources\":{\"reservations\":{\"cpus\":1,\"memory\":\"1G\"}}" : "";
    String max = rnd.nextBoolean() ? ",\"placement\":{\"maxReplicasPerNode\":" + (1 + rnd.nextInt(3)) + "}" : "";
    ServiceSpec s = spec("{\"name\":\"a\",\"command\":[\"x\"]" + reservation + max + "}");
    ServiceSpec other = spec("{\"name\":\"b\",\"command\":[\"x\"]}");
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      nodes.add(node("n" + i, Map.of(), 1 + rnd.nextInt(4), (1L + rnd.nextInt(8)) << 30));
    }
    List<NodeInfo> one = new ArrayList<>();
    List<NodeInfo> batch = new ArrayList<>();
    for (Node n : nodes) {
      List<dev.shoal.schemas.Task> load = new ArrayList<>();
      for (int k = rnd.nextInt(3); k > 0; k--) {
        load.add(running("o" + n.id() + k, "svc-b", other, n.id(), k));
      }
      one.add(new NodeInfo(n, load));
      batch.add(new NodeInfo(n, load));
    }
    int count = 1 + rnd.nextInt(30);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Placement p = scheduler.place(s, "svc-a", one);
      expected.add(p.node().orElse("pending: " + p.reason()));
      int k = i;
      p.node().ifPresent(id -> one.stream().filter(n -> n.node().id().equals(id)).findFirst().orElseThrow()
          .add(running("t" + k, "svc-a", s, id, k + 1)));
    }
    List<String> actual = scheduler.placeAll(s, "svc-a", count, batch,
        (n, k) -> n.add(running("t" + k, "svc-a", s, n.node().id(), k + 1)))
        .stream().map(p -> p.node().orElse("pending: " + p.reason())).toList();
    assertThat(actual).isEqualTo(expected);
  }
}
