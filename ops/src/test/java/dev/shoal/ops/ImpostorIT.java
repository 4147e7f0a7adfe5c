package dev.shoal.ops;

import static dev.shoal.ops.stack.SleeperSpecs.sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.kafka.KafkaSecurity;
import dev.shoal.ops.stack.ApiClient;
import dev.shoal.ops.stack.ProcessStack;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.Topics;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node speaks only for itself, against an impostor with real agent credentials: every component is
 * a separate JVM, Kafka authenticates them (SCRAM over TLS, Shoal's ACLs); an agent is SIGKILLed while
 * a plain producer, logged in as an agent, keeps publishing copies of the dead node's heartbeats (its
 * signed anchor and its last chained beat) and forgeries in its name (signed with another key, or
 * carrying a made-up chain element). The node still goes down, its tasks are replaced on the other nodes, and every
 * copy and forgery became a {@code heartbeat.rejected} event.
 */
class ImpostorIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Topics TOPICS = Topics.defaults();
  private static ProcessStack stack;
  private static ApiClient api;

  @RegisterExtension
  static final StackLogsOnFailure LOGS_ON_FAILURE = new StackLogsOnFailure(() -> stack);

  @BeforeAll
  static void startCluster(@TempDir Path dir) {
    stack = ProcessStack.builder(dir).kafkaSecurity(KafkaSecurity.SASL_SSL).standbyReplicas(0)
        .progress(System.out).build();
    try {
      stack.start(1, 3);
    } catch (RuntimeException e) {
      System.out.println(stack.logs(100));
      throw e;
    }
    api = stack.api();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** Every heartbeat of {@code nodeId} so far, read as the admin. */
  private static List<NodeHeartbeat> heartbeats(String nodeId) {
    Map<String, Object> p = new HashMap<>(stack.clientConfig("admin"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<NodeHeartbeat> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPICS.heartbeats.name(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          if (nodeId.equals(r.key())) {
            out.add(Json.fromString(r.value(), NodeHeartbeat.class));
          }
        }
      }
    }
    return out;
  }

  private static List<ClusterEvent> rejectedHeartbeats(String nodeId) {
    Map<String, Object> p = new HashMap<>(stack.clientConfig("admin"));
    List<ClusterEvent> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(TOPICS.events.name()).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          ClusterEvent e = Json.fromString(r.value(), ClusterEvent.class);
          if (e.type().equals("heartbeat.rejected") && nodeId.equals(e.entityId())) {
            out.add(e);
          }
        }
      }
    }
    return out;
  }

  @Test
  void aKilledNodeGoesDownWhileAnImpostorPublishesInItsNameAndItsTasksAreReplaced() throws Exception {
    assertThat(api.call("POST", "/v1/services", sleeper(stack, "impostor-web", 3).toString()).status()).isEqualTo(201);
    await().atMost(WAIT).until(() -> api.running("impostor-web").size() == 3);
    JsonNode victim = api.node("node-2");
    String nodeId = victim.path("id").asText();
    assertThat(api.running("impostor-web")).anyMatch(t -> nodeId.equals(t.path("nodeId").asText()));

    stack.agent("node-2").kill();
    List<NodeHeartbeat> captured = heartbeats(nodeId);
    NodeHeartbeat last = captured.get(captured.size() - 1);
    // The first heartbeat of the agent's start is a signed anchor of its hash chain; most after it are chained.
    NodeHeartbeat anchor = captured.get(0);
    assertThat(anchor.chainTop()).isNotNull();
    int nextIndex = last.chained() ? last.chainIndex() - 1 : last.chainLength() - 1;
    byte[] madeUp = new byte[32];
    new java.security.SecureRandom().nextBytes(madeUp);
    String madeUpElement = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(madeUp);
    KeyPair impostor = NodeSignatures.newKeyPair();
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    // Logged in as an agent: Kafka lets any agent write any key of the heartbeats topic.
    KafkaProducer<String, String> producer = new KafkaProducer<>(stack.clientConfig("agent"), new StringSerializer(),
        new StringSerializer());
    long[] seq = {last.sequence()};
    publisher.scheduleAtFixedRate(() -> {
      long now = System.currentTimeMillis();
      seq[0]++;
      List<NodeHeartbeat> fakes = List.of(
          last, // an exact copy
          captured.get(0), // an older copy
          NodeSignatures.sign(new NodeHeartbeat(nodeId, seq[0], anchor.description(), List.of(), now, null,
              last.boot() + 1, NodeSignatures.encode(impostor.getPublic()), null), impostor.getPrivate()),
          NodeSignatures.sign(new NodeHeartbeat(nodeId, seq[0], anchor.description(), List.of(), now, null,
              last.boot(), anchor.publicKey(), null), impostor.getPrivate()),
          // the next chained beat, with an element the impostor cannot compute, so makes up
          NodeHeartbeat.chainedBeat(nodeId, last.boot(), last.sequence() + 1, now, madeUpElement, nextIndex));
      fakes.forEach(hb -> producer.send(new ProducerRecord<>(TOPICS.heartbeats.name(), nodeId, Json.toString(hb))));
    }, 0, 250, TimeUnit.MILLISECONDS);
    try {
      await().atMost(WAIT).until(() -> api.nodeIs("node-2", "down"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(api.running("impostor-web")).hasSize(3)
          .noneMatch(t -> nodeId.equals(t.path("nodeId").asText())));
    } finally {
      publisher.shutdownNow();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
      producer.close(Duration.ofSeconds(5));
    }
    List<String> reasons = rejectedHeartbeats(nodeId).stream().map(ClusterEvent::message).toList();
    assertThat(reasons).anyMatch(m -> m.startsWith("replayed heartbeat for node " + nodeId))
        .anyMatch(m -> m.startsWith("replayed chained heartbeat for node " + nodeId) || !last.chained())
        .anyMatch(m -> m.contains("does not hash to its chain"))
        .anyMatch(m -> m.contains("signed with a key other than the node's"))
        .anyMatch(m -> m.contains("signature that does not verify"));
    assertThat(api.nodeIs("node-2", "down")).isTrue();
  }
}
