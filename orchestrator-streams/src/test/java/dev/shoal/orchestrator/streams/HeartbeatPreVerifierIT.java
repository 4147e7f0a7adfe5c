package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.kafka.KafkaBrokerExtension;
import dev.shoal.kafka.KafkaTestCluster;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeDescription;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The heartbeat pre-verifier on a real broker, paced to liveness's position (played by the test):
 * it checks nothing until this instance reads the log and liveness has a position, then at most
 * {@code ahead} heartbeats past that position, and when liveness has moved past it, it jumps there
 * instead of checking what liveness has already read. Liveness's checks of the heartbeats checked
 * ahead are answered from memory; the skipped ones are not.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HeartbeatPreVerifierIT {
  private static final int AHEAD = 50;
  private static final Duration STEADY = Duration.ofMillis(1500);

  @Test
  void checksWithinItsPaceOfLivenessAndJumpsWhenBehind(KafkaTestCluster kafka) throws Exception {
    String topic = kafka.uniquePrefix() + "heartbeats";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    List<NodeHeartbeat> log = publish(kafka.bootstrapServers(), topic, 300);

    AtomicBoolean readHere = new AtomicBoolean(false);
    AtomicLong liveness = new AtomicLong(PreVerifierPace.UNKNOWN);
    try (SignaturePreVerifier verifier = SignaturePreVerifier.forHeartbeats(readHere::get, topic,
        Map.of("bootstrap.servers", kafka.bootstrapServers()), liveness::get, AHEAD)) {
      verifier.start();

      liveness.set(0);
      await().during(STEADY).atMost(STEADY.multipliedBy(3)).until(() -> verifier.checked() == 0);

      readHere.set(true); // this instance's liveness takes up the log, at offset 0
      await().atMost(Duration.ofSeconds(30)).until(() -> verifier.checked() == AHEAD);
      await().during(STEADY).atMost(STEADY.multipliedBy(3)).until(() -> verifier.checked() == AHEAD);

      liveness.set(20); // liveness read 20: 20 more may be checked (50..69)
      await().atMost(Duration.ofSeconds(30)).until(() -> verifier.checked() == AHEAD + 20);
      await().during(STEADY).atMost(STEADY.multipliedBy(3)).until(() -> verifier.checked() == AHEAD + 20);

      liveness.set(200); // liveness went past the pre-verifier (70): it jumps to 200, checks 200..249
      await().atMost(Duration.ofSeconds(30)).until(() -> verifier.checked() == 2 * AHEAD + 20);
      await().during(STEADY).atMost(STEADY.multipliedBy(3)).until(() -> verifier.checked() == 2 * AHEAD + 20);
      assertThat(verifier.jumps()).as("taking up the log at 0, then to 200").isEqualTo(2);
    }

    long before = NodeSignatures.rememberedChecks();
    for (int offset = 100; offset < 200; offset++) {
      assertThat(NodeSignatures.verifies(log.get(offset), log.get(offset).publicKey())).isTrue();
    }
    assertThat(NodeSignatures.rememberedChecks()).as("skipped: liveness checked them itself").isEqualTo(before);
    for (int offset = 200; offset < 250; offset++) {
      assertThat(NodeSignatures.verifies(log.get(offset), log.get(offset).publicKey())).isTrue();
    }
    assertThat(NodeSignatures.rememberedChecks()).as("checked ahead, answered from memory").isEqualTo(before + AHEAD);
  }

  private static List<NodeHeartbeat> publish(String bootstrap, String topic, int count) throws Exception {
    TestNodes nodes = new TestNodes();
    NodeDescription d = new NodeDescription("host-n1", "127.0.0.1", new NodeResources(2, 4L << 30),
        List.of("process"), Map.of(), "linux", "amd64", null, "process");
    List<NodeHeartbeat> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
        new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        NodeHeartbeat hb = nodes.sign(new NodeHeartbeat("n1", 0, d, null, 1_000L + i), null);
        sent.add(hb);
        producer.send(new ProducerRecord<>(topic, "n1", Json.toString(hb))).get(); // one by one: offset i
      }
    }
    return sent;
  }
}
