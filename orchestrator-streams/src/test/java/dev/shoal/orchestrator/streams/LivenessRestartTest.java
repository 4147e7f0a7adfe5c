package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.JsonSerde;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Topics;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness decides from an in-memory view of its store ({@link LivenessView}); these drive the real
 * processor over a real RocksDB store through a heartbeat history with a restart in the middle, and
 * compare what it published with what liveness must publish for that history (written out by hand):
 * the node-ups, node-downs and refusals are those liveness made when it read the store on every
 * heartbeat and check. The restart is where a view could go wrong: a successor opening the store
 * must know the nodes, their sequences (or replays pass) and who is down; and the same instance
 * initialised again after its store changed (a suspended task resumed, a revived task restored) must
 * read the store again rather than keep what it had.
 */
class LivenessRestartTest {
  private static final Topics TOPICS = Topics.defaults();
  /** The product's timing: down after 3 s of silence, checked every 250 ms. */
  private static final Duration DOWN = Duration.ofSeconds(3);
  private static final Duration CHECK = Duration.ofMillis(250);

  @TempDir
  File stateDir;
  private final TestNodes nodes = new TestNodes();
  private final List<KeyValueStore<?, ?>> open = new ArrayList<>();
  /** Heartbeats as sent, per node and time, to replay them later. */
  private final Map<String, String> sent = new java.util.HashMap<>();
  /** The version of each node's description its heartbeats carry now (1 unless changed). */
  private final Map<String, Integer> described = new java.util.HashMap<>();

  private MockProcessorContext<String, Object> context;
  private KeyValueStore<String, LivenessEntry> store;
  private KeyValueStore<String, String> keys;
  private LivenessProcessor liveness;
  private int seen;

  @AfterEach
  void closeStores() {
    open.forEach(KeyValueStore::close);
  }

  @Test
  void aSuccessorOpeningTheStoreDecidesAsTheFirstWouldHave() {
    start(0);
    liveness = newProcessor();
    liveness.init(context);
    firstPart();

    // the orchestrator stops; a successor opens the same state (a new store object over the same
    // RocksDB files, a new processor) 14 s later
    store.close();
    open.remove(store);
    start(20_000);
    liveness = newProcessor();
    liveness.init(context);

    run(20_000, 24_000, t -> {
      if (t == 20_000) {
        replay("n2@4000", t); // sequences survive the restart: a replay is still refused
        beat("n1", t);       // known, up, same boot and description: nothing
        beat("n2", t);       // its changed description was announced before the restart: nothing
        beat("n3", t);       // down before the restart: back
        replay("n1@5000", t); // a heartbeat of n1's previous boot
      } else if (t % 1000 == 0) {
        beat("n1", t);
        beat("n3", t);       // n2 falls silent after 20,000
      }
    });
    assertThat(published()).containsExactly(
        "refused n2 (replayed heartbeat)",
        "up n3",
        "refused n1 (replayed heartbeat)",
        // the successor declares nobody down for its first 3 s (23,000); n2's last heartbeat at 20,000
        // is more than 3 s behind the newest (24,000) at the check of 24,000
        "down n2");

    assertThat(store.get("n1")).isEqualTo(new LivenessEntry(24_000, 6, true, description("n1", 1), 2L,
        nodes.publicKey("n1")));
    assertThat(store.get("n2")).isEqualTo(new LivenessEntry(20_000, 8, false, description("n2", 2), 1L,
        nodes.publicKey("n2")));
    assertThat(store.get("n3")).isEqualTo(new LivenessEntry(24_000, 7, true, description("n3", 1), 1L,
        nodes.publicKey("n3")));
  }

  @Test
  void initialisedAgainItReadsTheStoreAgainRatherThanKeepWhatItHad() {
    start(0);
    liveness = newProcessor();
    liveness.init(context);
    firstPart();

    // While the task was suspended, restoring its changelog brought what another instance wrote:
    // it had declared n1 down, and seen n4 (at 20,000), which this instance never heard of.
    LivenessEntry n1 = store.get("n1");
    store.put("n1", new LivenessEntry(n1.lastSeen(), n1.sequence(), false, n1.description(), n1.boot(),
        n1.publicKey()));
    store.put("n4", new LivenessEntry(20_000, 9, true, description("n4", 1), 1L, nodes.publicKey("n4")));
    liveness.close();
    context = newContext(20_000);
    context.addStateStore(store);
    context.addStateStore(keys);
    liveness.init(context); // the same instance, as Kafka Streams does when the task runs again

    run(20_000, 24_000, t -> {
      if (t % 1000 == 0) {
        beat("n1", t);
        beat("n2", t);
        if (t == 20_000) {
          beat("n3", t);
        }
      }
    });
    assertThat(published()).containsExactly(
        "up n1",  // down in the store now, whatever this instance remembered
        "up n3",  // down since the first part
        // n4's entry (last seen 20,000) is more than 3 s behind the newest heartbeat (24,000); n3's
        // (20,000) too; two of four silent is under the 55% that would hold them as a disruption
        "down n3",
        "down n4");
  }

  /**
   * A node's hash chain survives the restart: the successor knows the last accepted element (a copy of
   * it is a replay) and goes on taking the next ones; a liveness that lost its store refuses them until
   * the node anchors again.
   */
  @Test
  void aSuccessorGoesOnAcceptingTheChainAndOneWithoutTheStoreDoesNot() {
    HashChain chain = HashChain.fromSeed(new byte[32], 100);
    start(0);
    liveness = newProcessor();
    liveness.init(context);
    run(0, 5_000, t -> {
      if (t == 0) {
        anchor("n1", chain, t);
      } else if (t % 1000 == 0) {
        chained("n1", chain, t);
      }
    });
    assertThat(published()).containsExactly("up n1");

    store.close();
    open.remove(store);
    start(6_000);
    liveness = newProcessor();
    liveness.init(context);
    run(6_000, 10_000, t -> {
      if (t == 6_000) {
        replay("n1@5000", t); // element 95 again
      }
      if (t % 1000 == 0) {
        chained("n1", chain, t);
      }
    });
    assertThat(published()).containsExactly("refused n1 (replayed chained heartbeat)");
    // By hand: the anchor (sequence 1, element 100) at 0, one element down per second to 90 at 10,000.
    assertThat(store.get("n1")).isEqualTo(new LivenessEntry(10_000, 11, true, description("n1", 1), 1L,
        nodes.publicKey("n1"), new LivenessEntry.Chain(chain.element(90), 90, 100, 0, 1_000)));

    // A liveness whose store is gone (a new state directory): nothing chained passes until an anchor.
    store.close();
    open.remove(store);
    stateDir = new File(stateDir, "wiped");
    assertThat(stateDir.mkdirs()).isTrue();
    start(11_000);
    liveness = newProcessor();
    liveness.init(context);
    run(11_000, 13_000, t -> {
      if (t % 1000 == 0) {
        chained("n1", chain, t);
      }
    });
    assertThat(published()).containsExactly("refused n1 (chained heartbeat)", "refused n1 (chained heartbeat)",
        "refused n1 (chained heartbeat)");
    run(14_000, 14_000, t -> anchor("n1", HashChain.fromSeed(new byte[32], 50), t));
    assertThat(published()).containsExactly("up n1");
  }

  private void anchor(String node, HashChain chain, long time) {
    String json = Json.toString(nodes.signAnchor(new NodeHeartbeat(node, 0, description(node, 1), null, time), chain,
        1_000));
    sent.put(node + "@" + time, json);
    liveness.process(new Record<>(node, json, time));
  }

  /** The chained beat due at {@code time} (one element down per second since the anchor at 0). */
  private void chained(String node, HashChain chain, long time) {
    String json = Json.toString(nodes.chained(node, chain, chain.length() - (int) (time / 1000), time));
    sent.put(node + "@" + time, json);
    liveness.process(new Record<>(node, json, time));
  }

  /**
   * From system time 0: three nodes, a replay, one node falls silent and goes down, one restarts,
   * one changes its description.
   */
  private void firstPart() {
    run(0, 6_000, t -> {
      if (t % 1000 != 0) {
        return;
      }
      if (t == 6_000) {
        nodes.restart("n1");
        beat("n1", t);
        described.put("n2", 2);
        beat("n2", t);
        return;
      }
      beat("n1", t);
      beat("n2", t);
      if (t <= 1_000) {
        beat("n3", t); // then n3 falls silent
      }
      if (t == 1_000) {
        replay("n2@0", t);
      }
    });
    assertThat(published()).containsExactly(
        "up n1", "up n2", "up n3",
        "refused n2 (replayed heartbeat)",
        // n3's last heartbeat at 1,000 is more than 3 s behind n1's and n2's of 5,000 (not yet at 4,000:
        // exactly 3 s is not more); one of three is no mass silence
        "down n3",
        "up n1", // restarted: its boot went up
        "up n2"); // its description changed
  }

  private interface Step {
    void at(long t);
  }

  /** Heartbeats first, then the check, every 250 ms from {@code from} to {@code to}, both included. */
  private void run(long from, long to, Step step) {
    MockProcessorContext.CapturedPunctuator check = context.scheduledPunctuators()
        .get(context.scheduledPunctuators().size() - 1);
    assertThat(check.getInterval()).isEqualTo(CHECK);
    for (long t = from; t <= to; t += CHECK.toMillis()) {
      step.at(t);
      context.setCurrentSystemTimeMs(t);
      check.getPunctuator().punctuate(t);
    }
  }

  private void beat(String node, long time) {
    NodeDescription d = description(node, described.getOrDefault(node, 1));
    String json = Json.toString(nodes.sign(new NodeHeartbeat(node, 0, d, List.of(), time), null));
    sent.put(node + "@" + time, json);
    liveness.process(new Record<>(node, json, time));
  }

  /** A copy of a heartbeat sent before, appended again at {@code time}. */
  private void replay(String which, long time) {
    String json = sent.get(which);
    assertThat(json).as(which).isNotNull();
    liveness.process(new Record<>(which.substring(0, which.indexOf('@')), json, time));
  }

  /** What liveness published since the last call, one line each. */
  private List<String> published() {
    List<MockProcessorContext.CapturedForward<? extends String, ?>> all = context.forwarded();
    List<String> out = new ArrayList<>();
    for (MockProcessorContext.CapturedForward<? extends String, ?> f : all.subList(seen, all.size())) {
      Object v = f.record().value();
      if (v instanceof ControlMessage.NodeUp up) {
        out.add("up " + up.nodeId());
      } else if (v instanceof ControlMessage.NodeDown down) {
        out.add("down " + down.nodeId());
      } else if (v instanceof ClusterEvent ev && ev.type().equals("heartbeat.rejected")) {
        out.add("refused " + ev.entityId() + " (" + ev.message().substring(0, ev.message().indexOf(" for node")) + ")");
      } else {
        out.add(String.valueOf(v));
      }
    }
    seen = all.size();
    return out;
  }

  private static NodeDescription description(String node, int version) {
    return new NodeDescription("host-" + node, "10.0.0." + version, new NodeResources(2, 4L << 30),
        List.of("process"), Map.of("v", String.valueOf(version)), "linux", "amd64", null, "process");
  }

  private LivenessProcessor newProcessor() {
    return new LivenessProcessor(TOPICS.heartbeats.name(), DOWN, CHECK, IntakeSinks.of("liveness", "liveness-to-liveness"));
  }

  /** A new context over stores opened on {@link #stateDir}: a (re)started process. */
  private void start(long systemTime) {
    context = newContext(systemTime);
    store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OrchestratorTopology.LIVENESS_STORE),
        Serdes.String(), new JsonSerde<>(LivenessEntry.class)).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    open.add(store);
    keys = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(OrchestratorTopology.NODE_KEYS_STORE), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    keys.init(context.getStateStoreContext(), keys);
    context.addStateStore(store);
    context.addStateStore(keys);
  }

  /** A context at {@code systemTime}, its stores to be added. */
  private MockProcessorContext<String, Object> newContext(long systemTime) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "liveness-restart-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    MockProcessorContext<String, Object> c = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir);
    c.setCurrentSystemTimeMs(systemTime);
    seen = 0;
    return c;
  }
}
