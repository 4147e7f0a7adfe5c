package dev.shoal.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.NodeInfo;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pending reason label is read from the real scheduler's words, so a change of words fails here. */
class PendingReasonTest {
  private static NodeInfo node(String id, String status, String availability, long memory, String driver) {
    return new NodeInfo(new Node(id, 1, Node.ROLE_WORKER, availability, Map.of(),
        new NodeDescription("host-" + id, "127.0.0.1", new NodeResources(4, memory), List.of(driver), Map.of(),
            "linux", "amd64", null, driver), status, null, 0, 0), List.of());
  }

  private static ServiceSpec spec(String json) {
    return SpecValidator.validate(json).spec();
  }

  private static String reasonFor(ServiceSpec spec, NodeInfo... nodes) {
    return PendingReason.of(new Scheduler().place(spec, "svc-1", List.of(nodes)).reason());
  }

  @Test
  void eachFilterOfTheChainHasItsLabel() {
    ServiceSpec plain = spec("{\"name\":\"a\",\"command\":[\"true\"]}");
    assertThat(reasonFor(plain)).isEqualTo("no_nodes");
    assertThat(reasonFor(plain, node("n1", Node.DOWN, Node.ACTIVE, 1L << 30, "process"))).isEqualTo("node_not_ready");
    assertThat(reasonFor(plain, node("n1", Node.READY, Node.DRAIN, 1L << 30, "process"))).isEqualTo("node_availability");
    assertThat(reasonFor(plain, node("n1", Node.READY, Node.ACTIVE, 1L << 30, "docker"))).isEqualTo("no_driver");
    assertThat(reasonFor(spec("{\"name\":\"a\",\"command\":[\"true\"],\"placement\":{\"constraints\":[\"node.labels.zone==x\"]}}"),
        node("n1", Node.READY, Node.ACTIVE, 1L << 30, "process"))).isEqualTo("constraints");
    assertThat(reasonFor(spec("{\"name\":\"a\",\"command\":[\"true\"],\"resources\":{\"reservations\":{\"memory\":\"2G\"}}}"),
        node("n1", Node.READY, Node.ACTIVE, 1L << 30, "process"))).isEqualTo("insufficient_memory");
    assertThat(reasonFor(spec("{\"name\":\"a\",\"command\":[\"true\"],\"resources\":{\"reservations\":{\"cpus\":8}}}"),
        node("n1", Node.READY, Node.ACTIVE, 1L << 30, "process"))).isEqualTo("insufficient_cpu");
  }

  @Test
  void theFilterThatRefusedMostNodesNamesTheWait() {
    ServiceSpec big = spec("{\"name\":\"a\",\"command\":[\"true\"],\"resources\":{\"reservations\":{\"memory\":\"2G\"}}}");
    assertThat(reasonFor(big, node("n1", Node.DOWN, Node.ACTIVE, 8L << 30, "process"),
        node("n2", Node.READY, Node.ACTIVE, 1L << 30, "process"),
        node("n3", Node.READY, Node.ACTIVE, 1L << 30, "process"))).isEqualTo("insufficient_memory");
  }

  @Test
  void unknownWordsAreOther() {
    assertThat(PendingReason.of(null)).isEqualTo("other");
    assertThat(PendingReason.of("something new")).isEqualTo("other");
    assertThat(PendingReason.of("no suitable node (gremlins on 2 nodes)")).isEqualTo("other");
  }
}
