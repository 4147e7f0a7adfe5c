package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.JsonSerde;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Liveness keeps a node's description as a digest: its store entry (written back on every heartbeat)
 * is a few hundred bytes, a node-up still goes out exactly when the description changes, and entries
 * written before (with the description itself) are read and compared the same way.
 */
class LivenessEntryTest {
  private static final NodeDescription DESCRIBED = description(Map.of("zone", "a"));
  private static final NodeDescription CHANGED = description(Map.of("zone", "b"));

  private final TestNodes signer = new TestNodes();
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final KeyValueStore<String, LivenessEntry> store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore(OrchestratorTopology.LIVENESS_STORE), Serdes.String(),
      new JsonSerde<>(LivenessEntry.class)).withLoggingDisabled().build();
  private final LivenessProcessor liveness;

  LivenessEntryTest() {
    KeyValueStore<String, String> keys = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(OrchestratorTopology.NODE_KEYS_STORE), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    keys.init(context.getStateStoreContext(), keys);
    context.addStateStore(store);
    context.addStateStore(keys);
    context.setCurrentSystemTimeMs(0);
    liveness = new LivenessProcessor("shoal.heartbeats", Duration.ofSeconds(3), Duration.ofMillis(250),
        IntakeSinks.of("liveness", "liveness-to-liveness"));
    liveness.init(context);
  }

  @Test
  void theEntryKeepsADigestNotTheDescriptionAndStaysSmall() {
    beat("n1", DESCRIBED, 1_000);
    LivenessEntry e = store.get("n1");
    assertThat(e.description()).isNull();
    assertThat(e.describedAs(DESCRIBED)).isTrue();
    assertThat(e.describedAs(CHANGED)).isFalse();
    assertThat(e.describedAs(null)).isFalse();
    byte[] stored = new JsonSerde<>(LivenessEntry.class).serializer().serialize("t", e);
    assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("host-n1").doesNotContain("zone");
    assertThat(stored.length).as("the description alone is %d bytes", Json.toBytes(DESCRIBED).length)
        .isLessThan(250);
  }

  @Test
  void aNodeUpGoesOutWhenTheNodeIsNewOrItsDescriptionChangesAndNotOtherwise() {
    beat("n1", DESCRIBED, 1_000);
    beat("n1", DESCRIBED, 2_000);
    beat("n1", DESCRIBED, 3_000);
    beat("n1", CHANGED, 4_000);
    beat("n1", CHANGED, 5_000);
    assertThat(nodeUps()).extracting(ControlMessage.NodeUp::description).containsExactly(DESCRIBED, CHANGED);
  }

  @Test
  void anEntryWrittenBeforeWithTheWholeDescriptionIsComparedTheSameWay() {
    beat("n1", DESCRIBED, 1_000); // the node is known (key, boot, sequence 1)
    LivenessEntry now = store.get("n1");
    String before = "{\"lastSeen\":1000,\"sequence\":1,\"up\":true,\"description\":"
        + Json.toString(DESCRIBED) + ",\"boot\":" + now.boot() + ",\"publicKey\":\"" + now.publicKey() + "\"}";
    LivenessEntry old = new JsonSerde<>(LivenessEntry.class).deserializer().deserialize("t",
        before.getBytes(StandardCharsets.UTF_8));
    assertThat(old.descriptionDigest()).isNull();
    assertThat(old.describedAs(DESCRIBED)).isTrue();
    assertThat(old.down().describedAs(DESCRIBED)).isTrue();
    store.put("n1", old);

    beat("n1", DESCRIBED, 2_000);
    assertThat(nodeUps()).as("only the first heartbeat's").hasSize(1);
    assertThat(store.get("n1").descriptionDigest()).isEqualTo(now.descriptionDigest());
    beat("n1", CHANGED, 3_000);
    assertThat(nodeUps()).extracting(ControlMessage.NodeUp::description).containsExactly(DESCRIBED, CHANGED);
  }

  private void beat(String node, NodeDescription d, long time) {
    NodeHeartbeat hb = signer.sign(new NodeHeartbeat(node, 0, d, null, time), null);
    liveness.process(new Record<>(node, Json.toString(hb), time));
  }

  private List<ControlMessage.NodeUp> nodeUps() {
    return context.forwarded().stream().map(f -> f.record().value())
        .filter(v -> v instanceof ControlMessage.NodeUp).map(v -> (ControlMessage.NodeUp) v).toList();
  }

  private static NodeDescription description(Map<String, String> labels) {
    return new NodeDescription("host-n1", "127.0.0.1", new NodeResources(2, 4L << 30), List.of("process"), labels,
        "linux", "amd64", null, "process");
  }
}
