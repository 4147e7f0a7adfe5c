package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.JsonSerde;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Liveness runs as a Streams application of its own (so it commits at its own pace): the two parts
 * of the topology read disjoint inputs and meet only in the liveness topic, and liveness asks for a
 * commit when it declares a node down, not for every heartbeat or node-up.
 */
class LivenessApplicationTest {
  private final Topics topics = Topics.defaults();
  private final OrchestratorTopology.Timing timing = new OrchestratorTopology.Timing(Duration.ofSeconds(3),
      Duration.ofMillis(250));

  @Test
  void theLivenessPartReadsHeartbeatsAndTheDecisionPartEverythingElse() {
    Topology decisions = OrchestratorTopology.buildDecisions(topics, OrchestratorSettings.DEFAULTS, timing, JoinPolicy.OPEN);
    Topology liveness = OrchestratorTopology.buildLiveness(topics, timing);

    assertThat(sourceTopics(liveness)).containsExactlyInAnyOrder("shoal.heartbeats", "shoal.nodes");
    assertThat(sinkTopics(liveness)).containsExactlyInAnyOrder("shoal.liveness", "shoal.events");
    assertThat(sourceTopics(decisions)).containsExactlyInAnyOrder("shoal.specs", "shoal.commands", "shoal.task-status",
        "shoal.liveness", "shoal.timers");
    assertThat(sourceTopics(OrchestratorTopology.build(topics, OrchestratorSettings.DEFAULTS, timing)))
        .as("the whole topology, as the topology tests drive it, is the two parts together")
        .containsExactlyInAnyOrderElementsOf(union(sourceTopics(liveness), sourceTopics(decisions)));
  }

  @Test
  void aNodeDownIsCommittedAtOnceButHeartbeatsAndNodeUpsWaitForTheInterval() {
    TestNodes signer = new TestNodes();
    MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    KeyValueStore<String, LivenessEntry> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(OrchestratorTopology.LIVENESS_STORE), Serdes.String(),
        new JsonSerde<>(LivenessEntry.class)).withLoggingDisabled().build();
    KeyValueStore<String, String> keys = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(OrchestratorTopology.NODE_KEYS_STORE), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    keys.init(context.getStateStoreContext(), keys);
    context.addStateStore(store);
    context.addStateStore(keys);
    context.setCurrentSystemTimeMs(0);
    LivenessProcessor liveness = new LivenessProcessor(topics.heartbeats.name(), timing.nodeDownTimeout(),
        timing.livenessCheckInterval(), IntakeSinks.of("liveness", "liveness-to-liveness"));
    liveness.init(context);
    MockProcessorContext.CapturedPunctuator check = context.scheduledPunctuators().get(0);

    Long committedAt = null;
    for (long t = 0; t <= 8_000 && committedAt == null; t += 250) {
      if (t % 500 == 0) {
        heartbeat(liveness, signer, "n1", t);
        if (t <= 500) {
          heartbeat(liveness, signer, "n2", t); // then n2 falls silent
        }
      }
      assertThat(context.committed()).as("heartbeats and node-ups at %d ms ask for no commit", t).isFalse();
      check.getPunctuator().punctuate(t);
      if (context.committed()) {
        committedAt = t;
      }
    }

    List<Object> sent = context.forwarded().stream().map(f -> (Object) f.record().value()).toList();
    assertThat(sent).filteredOn(v -> v instanceof ControlMessage.NodeUp).hasSize(2);
    assertThat(sent).filteredOn(v -> v instanceof ControlMessage.NodeDown)
        .extracting(v -> ((ControlMessage.NodeDown) v).nodeId()).containsExactly("n2");
    // n2's last heartbeat at 500 ms, silent for more than 3 s once n1's of 4,000 ms is read
    assertThat(committedAt).as("the check that declared n2 down asked for a commit").isEqualTo(4_000L);
  }

  private static void heartbeat(LivenessProcessor liveness, TestNodes signer, String node, long time) {
    NodeDescription d = new NodeDescription("host-" + node, "127.0.0.1", new NodeResources(2, 4L << 30),
        List.of("process"), Map.of(), "linux", "amd64", null, "process");
    NodeHeartbeat hb = signer.sign(new NodeHeartbeat(node, 0, d, List.of(), time), null);
    liveness.process(new Record<>(node, Json.toString(hb), time));
  }

  private static Set<String> sourceTopics(Topology t) {
    Set<String> out = new HashSet<>();
    TopologyDescription d = t.describe();
    for (TopologyDescription.Subtopology s : d.subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Source src) {
          out.addAll(src.topicSet());
        }
      }
    }
    for (TopologyDescription.GlobalStore g : d.globalStores()) {
      out.addAll(g.source().topicSet());
    }
    return out;
  }

  private static Set<String> sinkTopics(Topology t) {
    Set<String> out = new HashSet<>();
    for (TopologyDescription.Subtopology s : t.describe().subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Sink sink) {
          out.add(sink.topic());
        }
      }
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return out;
  }
}
