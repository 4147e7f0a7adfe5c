package dev.shoal.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.Fixtures;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed restarts itself after a failure, and its health says so meanwhile (a unit test: Kafka's
 * MockConsumer lets the test make one poll fail, which a real broker cannot be asked to do).
 */
class ReadModelFeedTest {
  private final Topics topics = new Topics("f-");
  private final ReadModel model = new ReadModel();
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
  private ReadModelFeed feed;

  @AfterEach
  void stop() {
    if (feed != null) {
      feed.close();
    }
  }

  @Test
  void aFailedPollIsRetriedAndHealthSaysWhyMeanwhile() {
    List<TopicPartition> parts = new ArrayList<>();
    Map<TopicPartition, Long> zero = new HashMap<>();
    for (String t : List.of(topics.services.name(), topics.tasks.name(), topics.nodes.name(), topics.events.name(),
        topics.cluster.name())) {
      consumer.updatePartitions(t, List.of(new PartitionInfo(t, 0, Node.noNode(), new Node[0], new Node[0])));
      TopicPartition tp = new TopicPartition(t, 0);
      parts.add(tp);
      zero.put(tp, 0L);
    }
    consumer.updateBeginningOffsets(zero);
    consumer.updateEndOffsets(zero);
    feed = new ReadModelFeed(model, topics, consumer);
    assertThat(feed.health().ok()).as("not started").isFalse();
    feed.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.health().ok());

    consumer.setPollException(new KafkaException("the broker went away"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !feed.health().ok());
    assertThat(feed.health().reason()).contains("the broker went away");

    // It goes on reading by itself, from where it was.
    Service web = Fixtures.service("web", 1);
    TopicPartition services = new TopicPartition(topics.services.name(), 0);
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(services.topic(), 0, 0, web.id(),
        Json.toBytes(web))));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.service("web").isPresent() && feed.health().ok());
  }

  @Test
  void aLagCheckThatTimesOutIsNoFailureOfTheFeed() {
    Map<TopicPartition, Long> zero = new HashMap<>();
    for (String t : List.of(topics.services.name(), topics.tasks.name(), topics.nodes.name(), topics.events.name(),
        topics.cluster.name())) {
      consumer.updatePartitions(t, List.of(new PartitionInfo(t, 0, Node.noNode(), new Node[0], new Node[0])));
      zero.put(new TopicPartition(t, 0), 0L);
    }
    consumer.updateBeginningOffsets(zero);
    consumer.updateEndOffsets(zero);
    feed = new ReadModelFeed(model, topics, consumer);
    feed.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> feed.health().ok());

    // The next lag check (every 2 s) meets a broker too busy to answer in time.
    consumer.setOffsetsException(new org.apache.kafka.common.errors.TimeoutException("Failed to get offsets by times"));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> feed.health().ok());
    assertThat(feed.failures()).as("the feed never failed over it").isZero();

    Service web = Fixtures.service("web", 1);
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(topics.services.name(), 0, 0, web.id(),
        Json.toBytes(web))));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.service("web").isPresent());
  }
}
