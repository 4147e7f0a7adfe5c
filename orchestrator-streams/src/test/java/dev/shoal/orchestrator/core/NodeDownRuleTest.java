package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.orchestrator.core.NodeDownRule.Down;
import dev.shoal.orchestrator.core.NodeDownRule.Notice;
import dev.shoal.orchestrator.core.NodeDownRule.Settings;
import dev.shoal.orchestrator.core.NodeDownRule.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The node-down rule on hand-written timelines: D = 3000 ms, a check is late after 3000 ms, a
 * disruption lets one node go per 30,000 ms. Times are milliseconds; liveness started at 0.
 */
class NodeDownRuleTest {
  private static final Settings SETTINGS = Settings.defaults(Duration.ofMillis(3000));

  /** What liveness would hold: nodes up with their newest heartbeat, and the newest of all. */
  private static final class Cluster {
    final NodeDownRule rule = new NodeDownRule(SETTINGS);
    final SortedMap<String, Long> up = new TreeMap<>();
    long freshest;

    Cluster(String... nodes) {
      rule.start(0);
      for (String n : nodes) {
        beat(n, 0);
      }
    }

    void beat(String node, long at) {
      up.put(node, at);
      freshest = Math.max(freshest, at);
    }

    /** Nodes {@code nodes} beat at {@code at}, then a check runs at {@code at}. */
    Verdict beatAndCheck(long at, String... nodes) {
      for (String n : nodes) {
        beat(n, at);
      }
      return check(at);
    }

    Verdict check(long at) {
      Verdict v = rule.check(at, freshest, up);
      v.down().forEach(d -> up.remove(d.nodeId()));
      return v;
    }
  }

  private static List<String> ids(Verdict v) {
    return v.down().stream().map(Down::nodeId).toList();
  }

  private static List<String> types(Verdict v) {
    return v.notices().stream().map(Notice::type).toList();
  }

  @Test
  void aNodeSilentLongerThanTheTimeoutWhileOthersBeatIsDeclaredDown() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    for (long t = 1000; t <= 3000; t += 1000) {
      assertThat(c.beatAndCheck(t, "n1", "n2", "n3").down()).isEmpty();
    }
    // n4's silence is measured against the newest heartbeat: exactly D is not yet down
    assertThat(c.beatAndCheck(3000, "n1").down()).isEmpty();
    Verdict v = c.beatAndCheck(3001, "n1", "n2", "n3");
    assertThat(v.down()).containsExactly(new Down("n4",
        "no heartbeat for 3001 ms while other nodes' kept coming (timeout 3000 ms)"));
    assertThat(v.notices()).isEmpty();
  }

  @Test
  void nobodyIsDeclaredDownWithinOneTimeoutOfTheStart() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    c.beat("n1", 4000);
    c.beat("n2", 4000);
    // n3 and n4 look 4000 ms silent, but liveness started 2999 ms ago: its backlog may not be read yet
    c.check(1000);
    c.check(2000);
    assertThat(c.check(2999).down()).isEmpty();
    assertThat(ids(c.check(3000))).containsExactly("n3", "n4");
  }

  @Test
  void aLateCheckDeclaresNobodyAndThenGivesEveryNodeAFreshTimeout() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    c.beatAndCheck(1000, "n1", "n2", "n3", "n4");
    c.beatAndCheck(2000, "n1", "n2", "n3", "n4");
    // the orchestrator was frozen from 2000 to 7000; meanwhile only n1's heartbeats got read
    c.beat("n1", 6500);
    Verdict late = c.check(7000);
    assertThat(late.down()).isEmpty();
    assertThat(types(late)).containsExactly(NodeDownRule.STALLED);
    assertThat(late.notices().get(0).message()).startsWith("the liveness check ran 5000 ms after the one before");
    // on time again: nobody down, every node has 3000 ms from 7200
    Verdict resumed = c.beatAndCheck(7200, "n1");
    assertThat(resumed.down()).isEmpty();
    assertThat(types(resumed)).containsExactly(NodeDownRule.RESUMED);
    c.beat("n2", 7300);
    c.beat("n3", 7400);
    assertThat(c.beatAndCheck(8000, "n1", "n2", "n3").down()).isEmpty();
    assertThat(c.beatAndCheck(9000, "n1", "n2", "n3").down()).isEmpty();
    assertThat(c.beatAndCheck(10200, "n1", "n2", "n3").down()).isEmpty();
    // n4 (last heard at 2000) is down once it is silent 3000 ms past the grace start 7200
    Verdict v = c.beatAndCheck(10201, "n1");
    assertThat(v.down()).containsExactly(new Down("n4",
        "no heartbeat for 8201 ms while other nodes' kept coming (timeout 3000 ms)"));
  }

  @Test
  void aLateCheckJustUnderTheThresholdIsNotAStall() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    c.beatAndCheck(1000, "n1", "n2", "n3");
    c.beatAndCheck(2000, "n1", "n2", "n3");
    c.beatAndCheck(3000, "n1", "n2", "n3");
    // 3000 ms after the check before: not late, so n4 goes down as usual
    Verdict v = c.beatAndCheck(6000, "n1", "n2", "n3");
    assertThat(v.notices()).isEmpty();
    assertThat(ids(v)).containsExactly("n4");
  }

  @Test
  void aLateCheckJustOverTheThresholdIsAStall() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4");
    c.beatAndCheck(1000, "n1", "n2", "n3");
    c.beatAndCheck(2000, "n1", "n2", "n3");
    c.beatAndCheck(3000, "n1", "n2", "n3");
    Verdict v = c.beatAndCheck(6001, "n1", "n2", "n3");
    assertThat(v.down()).isEmpty();
    assertThat(types(v)).containsExactly(NodeDownRule.STALLED);
  }

  @Test
  void whenNobodyIsHeardLivenessBlamesItselfOnceAndDeclaresNobodyDown() {
    Cluster c = new Cluster("n1", "n2", "n3");
    c.beatAndCheck(1000, "n1", "n2", "n3");
    for (long t = 1250; t <= 4000; t += 250) {
      assertThat(c.check(t).notices()).isEmpty();
    }
    Verdict first = c.check(4250);
    assertThat(first.down()).isEmpty();
    assertThat(first.notices()).containsExactly(new Notice(NodeDownRule.STALLED, "no heartbeat from any node for"
        + " 3250 ms: liveness reads late, or Kafka delivers nothing; no node is declared down until heartbeats are"
        + " read again, and then every node gets a fresh 3000 ms"));
    for (long t = 4500; t <= 60000; t += 250) {
      Verdict v = c.check(t);
      assertThat(v.down()).isEmpty();
      assertThat(v.notices()).isEmpty();
    }
  }

  @Test
  void afterAFrozenBrokerTheFirstNodeHeardDoesNotMakeTheOthersLookSilent() {
    Cluster c = new Cluster("n1", "n2", "n3");
    c.beatAndCheck(1000, "n1", "n2", "n3");
    for (long t = 1250; t <= 6000; t += 250) {
      c.check(t);
    }
    // the broker resumes at 6000: n1's heartbeat is read before the others'
    Verdict resumed = c.beatAndCheck(6100, "n1");
    assertThat(resumed.down()).isEmpty();
    assertThat(types(resumed)).containsExactly(NodeDownRule.RESUMED);
    assertThat(c.beatAndCheck(6350, "n1").down()).isEmpty();
    assertThat(c.beatAndCheck(6600, "n1", "n2", "n3").down()).isEmpty();
    assertThat(c.up.keySet()).containsExactly("n1", "n2", "n3");
  }

  @Test
  void twoOfThreeSilentIsNoDisruption() {
    // Kubernetes' "more than two": two nodes are not enough to suspect the control plane
    Cluster c = new Cluster("n1", "n2", "n3");
    for (long t = 1000; t <= 3000; t += 1000) {
      c.beatAndCheck(t, "n1");
    }
    Verdict v = c.beatAndCheck(3001, "n1");
    assertThat(ids(v)).containsExactly("n2", "n3");
    assertThat(v.notices()).isEmpty();
  }

  @Test
  void tenOfTwentySilentIsNoDisruptionButElevenIs() {
    String[] twenty = new String[20];
    for (int i = 0; i < 20; i++) {
      twenty[i] = String.format("n%02d", i + 1);
    }
    Cluster half = new Cluster(twenty);
    Cluster over = new Cluster(twenty);
    String[] tenBeating = java.util.Arrays.copyOfRange(twenty, 10, 20);
    String[] nineBeating = java.util.Arrays.copyOfRange(twenty, 11, 20);
    for (long t = 1000; t <= 3000; t += 1000) {
      half.beatAndCheck(t, tenBeating);
      over.beatAndCheck(t, nineBeating);
    }
    // 10 / 20 = 50% < 55%: declared down as usual
    assertThat(half.beatAndCheck(3001, tenBeating).down()).hasSize(10);
    // 11 / 20 = 55%: held
    Verdict held = over.beatAndCheck(3001, nineBeating);
    assertThat(held.down()).isEmpty();
    assertThat(held.notices()).containsExactly(new Notice(NodeDownRule.DISRUPTION, "11 of 20 nodes fell silent"
        + " within 3000 ms (at least 55% and 3, counting those silent for over 1500 ms): a control-plane or network"
        + " fault is assumed; 11 node(s) silent past the timeout are held and declared down at most one per 30000 ms"));
  }

  @Test
  void aDisruptionLetsOneNodeGoPerIntervalTheLongestSilentFirst() {
    // n3 and n4 last heard at 1000, n5 at 1100: they fall silent together
    Cluster d = new Cluster("n1", "n2", "n3", "n4", "n5");
    d.beatAndCheck(1000, "n1", "n2", "n3", "n4", "n5");
    d.beat("n5", 1100);
    for (long s = 2000; s <= 4000; s += 1000) {
      d.beatAndCheck(s, "n1", "n2");
    }
    Verdict start = d.beatAndCheck(4101, "n1", "n2");
    assertThat(start.down()).isEmpty();
    assertThat(types(start)).containsExactly(NodeDownRule.DISRUPTION);
    for (long s = 5000; s < 34101; s += 1000) {
      assertThat(d.beatAndCheck(s, "n1", "n2").down()).as("at %d", s).isEmpty();
    }
    // 30000 ms after the disruption began: n3 (1000, before n4 by id) goes first, then n4, then n5
    Verdict first = d.beatAndCheck(34101, "n1", "n2");
    assertThat(first.down()).containsExactly(new Down("n3", "no heartbeat for 33101 ms during a disruption"
        + " (3 of 5 nodes silent): declared down at the slowed rate of one per 30000 ms"));
    for (long s = 35000; s < 64101; s += 1000) {
      assertThat(d.beatAndCheck(s, "n1", "n2").down()).as("at %d", s).isEmpty();
    }
    assertThat(ids(d.beatAndCheck(64101, "n1", "n2"))).containsExactly("n4");
    for (long s = 65000; s < 94101; s += 1000) {
      assertThat(d.beatAndCheck(s, "n1", "n2").down()).as("at %d", s).isEmpty();
    }
    // still 1 silent + 2 declared = 3 of the 5 the disruption began with
    assertThat(ids(d.beatAndCheck(94101, "n1", "n2"))).containsExactly("n5");
  }

  @Test
  void aDisruptionEndsWhenNodesComeBackAndTheRestGetAFreshTimeout() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4", "n5");
    c.beatAndCheck(1000, "n1", "n2", "n3", "n4", "n5");
    for (long t = 2000; t <= 4000; t += 1000) {
      c.beatAndCheck(t, "n1", "n2");
    }
    assertThat(types(c.beatAndCheck(4001, "n1", "n2"))).containsExactly(NodeDownRule.DISRUPTION);
    // n3 and n4 come back; n5 really is dead: 1 of 5 silent ends the disruption
    Verdict v = c.beatAndCheck(5000, "n1", "n2", "n3", "n4");
    assertThat(v.down()).isEmpty();
    assertThat(types(v)).containsExactly(NodeDownRule.DISRUPTION_ENDED);
    assertThat(v.notices().get(0).message()).isEqualTo("the disruption that began at 4001 ended: 1 node(s) still"
        + " silent past the timeout; every node has 3000 ms from the newest heartbeat to be heard before it is"
        + " declared down");
    // n5 has 3000 ms from 5000, as after a stall
    for (long t = 6000; t <= 8000; t += 1000) {
      assertThat(c.beatAndCheck(t, "n1", "n2", "n3", "n4").down()).as("at %d", t).isEmpty();
    }
    Verdict down = c.beatAndCheck(8001, "n1", "n2", "n3", "n4");
    assertThat(down.down()).containsExactly(new Down("n5",
        "no heartbeat for 7001 ms while other nodes' kept coming (timeout 3000 ms)"));
    assertThat(down.notices()).isEmpty();
  }

  @Test
  void nodesDeclaredDownWithinTheTimeoutCountTowardsADisruption() {
    Cluster c = new Cluster("n1", "n2", "n3", "n4", "n5", "n6");
    c.beatAndCheck(1000, "n1", "n2", "n3", "n4", "n5", "n6");
    for (long t = 2000; t <= 2600; t += 600) {
      c.beatAndCheck(t, "n1", "n2", "n3", "n4");
    }
    c.beatAndCheck(3000, "n1", "n2");
    c.beatAndCheck(4000, "n1", "n2");
    // n5 and n6 (last heard 1000, silent 3001 ms) are the only suspects: n3 and n4 (2600) are silent 1401 ms
    assertThat(ids(c.beatAndCheck(4001, "n1", "n2"))).containsExactly("n5", "n6");
    c.beatAndCheck(5000, "n1", "n2");
    // n3 and n4 past the timeout: 2 + the 2 declared 1600 ms ago = 4 of 6 ≥ 55%: held
    Verdict v = c.beatAndCheck(5601, "n1", "n2");
    assertThat(v.down()).isEmpty();
    assertThat(v.notices().get(0).message()).startsWith("4 of 6 nodes fell silent within 3000 ms");
  }

  /**
   * Twenty nodes beating once a second, each at its own point of the second (node i at i × 50 ms).
   * From 10,000 to 12,000 nothing they send is stored (a pause shorter than D that hits them all);
   * then their backlog drains one node per 150 ms. Nodes cross D one by one as it drains: each check
   * finds one or two past it, which alone would be declared down, while most are still waiting.
   */
  @Test
  void aPauseShorterThanTheTimeoutThatDrainsSlowlyDeclaresNobodyDown() {
    String[] nodes = new String[20];
    for (int i = 0; i < 20; i++) {
      nodes[i] = String.format("n%02d", i);
    }
    Cluster c = new Cluster(nodes);
    List<Verdict> verdicts = new ArrayList<>();
    long[] back = new long[20];
    for (int i = 0; i < 20; i++) {
      back[i] = 12_000 + 150L * i;
    }
    for (long t = 50; t <= 25_000; t += 50) {
      for (int i = 0; i < 20; i++) {
        boolean due = t % 1000 == (50L * i) % 1000;
        boolean paused = t >= 10_000 && t < back[i];
        if ((due && !paused) || t == back[i]) {
          c.beat(nodes[i], t);
        }
      }
      if (t % 250 == 0) {
        verdicts.add(c.check(t));
      }
    }
    assertThat(verdicts.stream().flatMap(v -> v.down().stream())).isEmpty();
    assertThat(verdicts.stream().flatMap(v -> types(v).stream()))
        .containsExactly(NodeDownRule.DISRUPTION, NodeDownRule.DISRUPTION_ENDED);
    assertThat(c.up).hasSize(20);
  }

  /** The same beats, but one node never comes back: it is declared down, D after the disruption ends. */
  @Test
  void aNodeThatDiesInSuchAPauseIsDeclaredDownATimeoutAfterIt() {
    String[] nodes = new String[20];
    for (int i = 0; i < 20; i++) {
      nodes[i] = String.format("n%02d", i);
    }
    Cluster c = new Cluster(nodes);
    List<String> downs = new ArrayList<>();
    long endedAt = -1;
    long downAt = -1;
    for (long t = 50; t <= 25_000; t += 50) {
      for (int i = 0; i < 20; i++) {
        long back = i == 19 ? Long.MAX_VALUE : 12_000 + 150L * i; // n19, last heard at 9,950, never again
        boolean due = t % 1000 == (50L * i) % 1000;
        boolean paused = t >= 10_000 && t < back;
        if ((due && !paused) || t == back) {
          c.beat(nodes[i], t);
        }
      }
      if (t % 250 == 0) {
        Verdict v = c.check(t);
        if (types(v).contains(NodeDownRule.DISRUPTION_ENDED)) {
          endedAt = t;
        }
        if (!v.down().isEmpty()) {
          downAt = t;
          downs.addAll(ids(v));
        }
      }
    }
    assertThat(downs).containsExactly("n19");
    assertThat(endedAt).isPositive();
    // the newest heartbeat at the end was at most a check interval before it; 3000 ms later it is down
    assertThat(downAt - endedAt).isBetween(2750L, 3250L);
  }

  @Test
  void theSameChecksGiveTheSameVerdicts() {
    List<Verdict> a = new ArrayList<>();
    List<Verdict> b = new ArrayList<>();
    for (List<Verdict> out : List.of(a, b)) {
      Cluster c = new Cluster("n1", "n2", "n3", "n4", "n5");
      for (long t = 1000; t <= 70000; t += 500) {
        out.add(t % 7000 == 0 ? c.check(t) : c.beatAndCheck(t, "n1", "n2"));
      }
    }
    assertThat(a).isEqualTo(b);
    assertThat(a.stream().flatMap(v -> v.down().stream())).isNotEmpty();
  }

  @Test
  void settingsOutOfRangeAreRefusedWithTheReason() {
    Duration d = Duration.ofSeconds(3);
    assertThatThrownBy(() -> new Settings(Duration.ZERO, d, 0.55, 3, d))
        .hasMessage("the node-down timeout must be positive, not PT0S");
    assertThatThrownBy(() -> new Settings(d, Duration.ofMillis(-1), 0.55, 3, d))
        .hasMessage("the late-check threshold must be positive, not PT-0.001S");
    assertThatThrownBy(() -> new Settings(d, d, 0, 3, d)).hasMessage("the disrupted share must be in (0, 1], not 0.0");
    assertThatThrownBy(() -> new Settings(d, d, 1.01, 3, d))
        .hasMessage("the disrupted share must be in (0, 1], not 1.01");
    assertThatThrownBy(() -> new Settings(d, d, 0.55, 0, d)).hasMessage("the disrupted minimum must be at least 1, not 0");
    assertThatThrownBy(() -> new Settings(d, d, 0.55, 3, Duration.ZERO))
        .hasMessage("the disrupted interval must be positive, not PT0S");
    assertThat(new Settings(d, d, 1.0, 1, d).disruptedShare()).isEqualTo(1.0);
  }
}
