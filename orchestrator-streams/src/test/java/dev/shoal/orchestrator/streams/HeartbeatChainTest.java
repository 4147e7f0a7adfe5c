package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Liveness's check of hash-chained heartbeats ({@link HeartbeatChain}, reached through
 * {@link HeartbeatCheck#refusal}), on entries written by hand as liveness keeps them after an anchor.
 * Anchor: boot 1, sequence 10, sent at {@code T}, a chain of 40 from a seed of zeros, 1 s apart; so
 * the beat with element c_i has sequence 10 + (40 - i) and is due at T + (40 - i) s.
 */
class HeartbeatChainTest {
  private static final long T = 1_000_000;
  private static final int N = 40;
  private final TestNodes nodes = new TestNodes();
  private final String key = nodes.publicKey("n1");
  private final HashChain chain = HashChain.fromSeed(new byte[32], N);
  private final HashChain otherChain = HashChain.fromSeed(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
      14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, N);
  private final NodeDescription description = new NodeDescription("host-1", "127.0.0.1", new NodeResources(4, 1L << 30),
      List.of("process"), Map.of(), "linux", "amd64", null, "process");

  /** What liveness keeps once it accepted element c_{@code index} (the anchor: index N, sequence 10). */
  private LivenessEntry after(int index) {
    return new LivenessEntry(T, 10 + (N - index), true, description, 1L, key,
        new LivenessEntry.Chain(chain.element(index), index, N, T, 1_000));
  }

  private NodeHeartbeat beat(int index) {
    return NodeHeartbeat.chainedBeat("n1", 1, 10 + (N - index), 0, chain.element(index), index);
  }

  private static long due(int index) {
    return T + (N - index) * 1_000L;
  }

  private Optional<String> refusal(NodeHeartbeat hb, LivenessEntry before, long appendTime) {
    return HeartbeatCheck.refusal(hb, key, before, appendTime);
  }

  private NodeHeartbeat anchor(KeyPair signer, String top) {
    return NodeSignatures.sign(new NodeHeartbeat("n1", 10, description, null, T, null, 1L, key, null)
        .anchoring(top, N, 1_000), signer.getPrivate());
  }

  @Test
  void aSignedAnchorIsCheckedAsASignedHeartbeat() {
    assertThat(refusal(anchor(nodes.keys("n1"), chain.top()), null, T + 20)).isEmpty();
    // Its chain changed after signing (a forger putting a top of their own): the signature fails.
    NodeHeartbeat good = anchor(nodes.keys("n1"), chain.top());
    NodeHeartbeat swapped = good.anchoring(otherChain.top(), N, 1_000).withSignature(good.signature());
    assertThat(refusal(swapped, null, T)).hasValueSatisfying(r -> assertThat(r).contains("does not verify"));
    // Signed by another key while carrying the node's.
    assertThat(refusal(anchor(nodes.keys("n2"), chain.top()), null, T))
        .hasValueSatisfying(r -> assertThat(r).contains("does not verify"));
  }

  @Test
  void eachNextElementPasses() {
    assertThat(refusal(beat(39), after(40), due(39))).isEmpty();
    assertThat(refusal(beat(38), after(39), due(38) + 300)).isEmpty();
    assertThat(refusal(beat(0), after(1), due(0))).isEmpty();
  }

  @Test
  void lostBeatsAreSkippedUpToSixteenSteps() {
    assertThat(refusal(beat(37), after(40), due(37))).isEmpty();
    assertThat(refusal(beat(24), after(40), due(24))).isEmpty(); // 16 steps
    assertThat(refusal(beat(23), after(40), due(23))) // 17 steps
        .hasValueSatisfying(r -> assertThat(r).contains("17 steps below", "too many beats lost"));
  }

  @Test
  void anElementIsUsedOnce() {
    assertThat(refusal(beat(39), after(39), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("replayed chained heartbeat for node n1"));
    assertThat(refusal(beat(39), after(35), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("replayed chained heartbeat"));
    assertThat(refusal(beat(40), after(40), due(40)))
        .hasValueSatisfying(r -> assertThat(r).contains("replayed chained heartbeat"));
  }

  @Test
  void anElementOfAnotherChainDoesNotHashToThisOne() {
    // Another node's chain, or this node's chain of an earlier boot: its element, properly numbered.
    NodeHeartbeat foreign = NodeHeartbeat.chainedBeat("n1", 1, 11, 0, otherChain.element(39), 39);
    assertThat(refusal(foreign, after(40), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("does not hash to its chain"));
    // The right element, claimed two steps down: hashing it twice misses.
    NodeHeartbeat misplaced = NodeHeartbeat.chainedBeat("n1", 1, 12, 0, chain.element(39), 38);
    assertThat(refusal(misplaced, after(40), due(38)))
        .hasValueSatisfying(r -> assertThat(r).contains("does not hash to its chain"));
  }

  @Test
  void aBeatOfAnotherBootIsRefused() {
    NodeHeartbeat nextBoot = NodeHeartbeat.chainedBeat("n1", 2, 11, 0, chain.element(39), 39);
    assertThat(refusal(nextBoot, after(40), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("is of boot 2, its chain was anchored in boot 1"));
  }

  @Test
  void theSequenceIsFixedByTheElement() {
    NodeHeartbeat jumped = NodeHeartbeat.chainedBeat("n1", 1, 1_000_000, 0, chain.element(39), 39);
    assertThat(refusal(jumped, after(40), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("has sequence 1000000, its element says 11"));
  }

  @Test
  void aChainedBeatCannotChangeTheDescription() {
    NodeHeartbeat b = beat(39);
    NodeHeartbeat same = new NodeHeartbeat("n1", b.sequence(), description, null, 0, null, 1L, null, null, null, null,
        b.chainElement(), 39, null);
    NodeDescription bigger = new NodeDescription("host-1", "127.0.0.1", new NodeResources(64, 1L << 40),
        List.of("process"), Map.of(), "linux", "amd64", null, "process");
    NodeHeartbeat changed = new NodeHeartbeat("n1", b.sequence(), bigger, null, 0, null, 1L, null, null, null, null,
        b.chainElement(), 39, null);
    assertThat(refusal(same, after(40), due(39))).isEmpty();
    assertThat(refusal(changed, after(40), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("changes the node's description"));
  }

  @Test
  void aBeatStoredMoreThanSixtySecondsFromItsDueTimeIsStale() {
    assertThat(refusal(beat(39), after(40), due(39) + 60_000)).isEmpty();
    assertThat(refusal(beat(39), after(40), due(39) - 60_000)).isEmpty();
    assertThat(refusal(beat(39), after(40), due(39) + 60_001))
        .hasValueSatisfying(r -> assertThat(r).contains("stored 60001 ms from when it was due"));
    assertThat(refusal(beat(39), after(40), due(39) - 60_001))
        .hasValueSatisfying(r -> assertThat(r).contains("stale copy"));
    // The due time is the anchor's (signed), never the beat's own (unsigned) send time.
    NodeHeartbeat lying = NodeHeartbeat.chainedBeat("n1", 1, 11, due(39) + 120_000, chain.element(39), 39);
    assertThat(refusal(lying, after(40), due(39) + 120_000)).isPresent();
  }

  @Test
  void withoutAnAnchorOrWithAnotherKeyNothingChainedPasses() {
    assertThat(refusal(beat(39), null, due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("holds no anchor of its chain"));
    LivenessEntry signedWithoutChain = new LivenessEntry(T, 10, true, description, 1L, key);
    assertThat(refusal(beat(39), signedWithoutChain, due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("holds no anchor"));
    // The chain was anchored with a key the node no longer has (it joined again with another).
    assertThat(HeartbeatCheck.refusal(beat(39), nodes.publicKey("n2"), after(40), due(39)))
        .hasValueSatisfying(r -> assertThat(r).contains("anchored with a key other than the node's"));
  }
}
