package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.HashChain;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's heartbeats: a signed anchor first, then unsigned beats down the hash chain, and a new
 * anchor after 600 beats, when the schedule drifted more than 5 s, or after 8 beats Kafka did not
 * acknowledge. Beats 1 s apart on a clock the test moves.
 */
class HeartbeaterTest {
  @TempDir
  Path dir;
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private MockProducer<String, String> producer;
  private KafkaSender sender;
  private NodeSigner signer;
  private Heartbeater heartbeater;
  private int read;

  private void start(boolean acknowledge) {
    producer = new MockProducer<>(acknowledge, null, new StringSerializer(), new StringSerializer());
    sender = new KafkaSender(producer, "heartbeater-test");
    signer = NodeSigner.start(dir);
    NodeDescription d = new NodeDescription("host-1", "127.0.0.1", new NodeResources(2, 1L << 30), List.of("process"),
        Map.of(), "linux", "amd64", null, "process");
    heartbeater = new Heartbeater("n1", d, sender, "shoal.heartbeats", clock::get, KafkaContact.monotonic(), "proof",
        signer, 1_000);
  }

  @AfterEach
  void close() {
    sender.close(Duration.ofSeconds(1));
  }

  /** Beats once, {@code afterMs} after the previous beat, and returns what it sent. */
  private NodeHeartbeat beat(long afterMs) {
    clock.addAndGet(afterMs);
    heartbeater.run();
    assertThat(producer.history()).hasSize(read + 1);
    return Json.fromString(producer.history().get(read++).value(), NodeHeartbeat.class);
  }

  private void assertAnchor(NodeHeartbeat hb, long sequence) {
    assertThat(hb.sequence()).isEqualTo(sequence);
    assertThat(hb.chained()).isFalse();
    assertThat(hb.chainLength()).isEqualTo(600);
    assertThat(hb.chainIntervalMs()).isEqualTo(1_000L);
    assertThat(hb.joinProof()).isEqualTo("proof");
    assertThat(hb.description()).isNotNull();
    assertThat(NodeSignatures.verifies(hb, signer.publicKey())).isTrue();
  }

  @Test
  void theFirstBeatAnchorsAndTheNextOnesRevealTheChainDownwards() {
    start(true);
    NodeHeartbeat anchor = beat(0);
    assertAnchor(anchor, 0);
    assertThat(anchor.timestamp()).isEqualTo(1_000_000);
    NodeHeartbeat first = beat(1_000);
    assertThat(first.chained()).isTrue();
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(first.chainIndex()).isEqualTo(599);
    assertThat(first.boot()).isEqualTo(signer.boot());
    assertThat(first.signature()).isNull();
    assertThat(first.publicKey()).isNull();
    assertThat(first.description()).isNull();
    assertThat(first.joinProof()).isNull();
    assertThat(HashChain.leadsTo(first.chainElement(), 1, anchor.chainTop())).isTrue();
    NodeHeartbeat second = beat(1_000);
    assertThat(second.chainIndex()).isEqualTo(598);
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(HashChain.leadsTo(second.chainElement(), 1, first.chainElement())).isTrue();
  }

  @Test
  void afterSixHundredChainedBeatsANewChainIsAnchored() {
    start(true);
    NodeHeartbeat anchor = beat(0);
    NodeHeartbeat last = null;
    for (int i = 1; i <= 600; i++) {
      last = beat(1_000);
      assertThat(last.chained()).as("beat %d", i).isTrue();
    }
    assertThat(last.chainIndex()).isEqualTo(0);
    assertThat(HashChain.leadsTo(last.chainElement(), 600, anchor.chainTop())).isTrue();
    NodeHeartbeat next = beat(1_000);
    assertAnchor(next, 601);
    assertThat(next.chainTop()).isNotEqualTo(anchor.chainTop());
    assertThat(beat(1_000).chainIndex()).isEqualTo(599);
  }

  @Test
  void aScheduleThatDriftedMoreThanFiveSecondsAnchorsAgain() {
    start(true);
    beat(0);
    assertThat(beat(1_000 + 5_000).chained()).isTrue();  // due at +1 s, sent at +6 s: 5 s late
    assertThat(beat(1_000).chained()).isTrue();           // due at +2 s, sent at +7 s
    assertAnchor(beat(1_000 + 1_001), 3);                 // due at +3 s, sent at +9.001 s
    assertThat(beat(1_000).chained()).isTrue();
  }

  @Test
  void afterEightUnacknowledgedBeatsANewChainIsAnchored() {
    start(false);
    assertAnchor(beat(0), 0);
    for (int i = 1; i <= 8; i++) {
      assertThat(beat(1_000).chained()).as("beat %d", i).isTrue();
    }
    assertAnchor(beat(1_000), 9); // 9 beats (0-8) sent and none acknowledged
    while (producer.completeNext()) {
      // Kafka is back and acknowledges all of them
    }
    assertThat(beat(1_000).chained()).isTrue();
  }
}
