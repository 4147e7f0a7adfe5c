package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats authenticated by a hash chain, through the whole topology: a node that anchors a chain
 * stays up on its unsigned chained beats; forged and copied chained beats are refused and keep no
 * dead node up. Beats every 500 ms, the default 3 s down timeout.
 */
class ChainedHeartbeatTopologyTest {
  private final DriverHarness h = new DriverHarness();
  /** n1's chain, anchored at the start, 500 ms between beats. */
  private final HashChain chain = HashChain.fromSeed(new byte[32], 100);
  private final HashChain otherChain = HashChain.fromSeed(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
      7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 100);
  private int next = 100;

  @BeforeEach
  void twoNodes() {
    NodeHeartbeat unsigned = h.unsignedHeartbeat("n1", List.of("process"), new NodeResources(4, 8L << 30));
    h.rawHeartbeat("n1", Json.toString(h.nodeKeys.signAnchor(unsigned, chain, 500)));
    h.heartbeat("n2");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private List<ClusterEvent> rejected() {
    return h.events.stream().filter(e -> e.type().equals("heartbeat.rejected")).toList();
  }

  /** n1's next chained beat, as its agent sends it. */
  private String nextBeat() {
    next--;
    return Json.toString(h.nodeKeys.chained("n1", chain, next, h.now.toEpochMilli()));
  }

  @Test
  void aNodeStaysUpOnItsChainedBeats() {
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
    for (int i = 0; i < 20; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      h.rawHeartbeat("n1", nextBeat());
    }
    assertThat(rejected()).isEmpty();
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
  }

  @Test
  void forgedAndCopiedChainedBeatsAreRefusedAndTheNodeGoesDown() {
    h.advance(Duration.ofMillis(500));
    String last = nextBeat();
    h.rawHeartbeat("n1", last);
    // n1's agent dies; someone with agent credentials publishes in its name: a copy of its last beat,
    // an element of another chain, one 40 steps down its own chain (an impostor cannot compute it, and
    // it is more steps than liveness takes at once), a made-up element.
    long seq = h.nodeKeys.chained("n1", chain, next, 0).sequence();
    List<String> forgeries = List.of(
        last,
        Json.toString(NodeHeartbeat.chainedBeat("n1", 1, seq + 1, 0, otherChain.element(next - 1), next - 1)),
        Json.toString(NodeHeartbeat.chainedBeat("n1", 1, seq + 40, 0, chain.element(next - 40), next - 40)),
        Json.toString(NodeHeartbeat.chainedBeat("n1", 1, seq + 1, 0, "A".repeat(43), next - 1)));
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      h.rawHeartbeat("n1", forgeries.get(i % forgeries.size()));
    }
    assertThat(rejected()).hasSize(8).allSatisfy(e -> {
      assertThat(e.entityId()).isEqualTo("n1");
      assertThat(e.attributes()).containsEntry("code", "forbidden");
    }).extracting(ClusterEvent::message)
        .anyMatch(m -> m.contains("replayed chained heartbeat for node n1"))
        .anyMatch(m -> m.contains("does not hash to its chain"))
        .anyMatch(m -> m.contains("too many beats lost"));
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
    assertThat(h.nodes.get("n2").status()).isEqualTo(Node.READY);
  }

  @Test
  void aWithheldChainedBeatPublishedLateDoesNotBringTheNodeBack() {
    h.advance(Duration.ofMillis(500));
    h.rawHeartbeat("n1", nextBeat());
    String withheld = nextBeat(); // due 1 s after the anchor, never published by the agent, which dies
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
    }
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
    for (int i = 0; i < 120; i++) { // 60 s more of n2
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
    }
    h.rawHeartbeat("n1", withheld);
    assertThat(rejected()).singleElement().satisfies(e -> assertThat(e.message()).contains("stale copy"));
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
  }

  @Test
  void aChainedBeatAfterADownWithinItsDueTimeBringsTheNodeBack() {
    String late = null;
    for (int i = 0; i < 8; i++) { // 4 s without n1's beats reaching the broker
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      late = nextBeat();
    }
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
    h.rawHeartbeat("n1", late); // 8 steps down: the ones before it were lost
    assertThat(rejected()).isEmpty();
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
  }
}
