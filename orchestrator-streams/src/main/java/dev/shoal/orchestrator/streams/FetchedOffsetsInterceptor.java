package dev.shoal.orchestrator.streams;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells {@link InputProgress} the last offset of every partition in each batch the decisions' main
 * consumer returns. It runs inside {@code poll}, on the stream thread, before Kafka Streams queues
 * the records, so the processors can tell whether anything is still waiting behind the record they
 * just handled: Kafka Streams does not tell them.
 */
public final class FetchedOffsetsInterceptor implements ConsumerInterceptor<byte[], byte[]> {
  private InputProgress progress;

  @Override
  public void configure(Map<String, ?> configs) {
    Object p = configs.get(InputProgress.CONFIG_KEY);
    if (!(p instanceof InputProgress)) {
      throw new IllegalStateException(InputProgress.CONFIG_KEY + " missing from the consumer's configuration");
    }
    progress = (InputProgress) p;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition partition : records.partitions()) {
      var list = records.records(partition);
      progress.fetched(partition, list.get(list.size() - 1).offset());
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}
}
