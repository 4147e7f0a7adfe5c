package dev.shoal.agent.logs;

import dev.shoal.schemas.LogBatch;
import java.util.concurrent.CompletableFuture;

/** Where the shipper sends batches: Kafka ({@link KafkaLogSink}), or a test's list. */
interface LogSink extends AutoCloseable {
  /** Completes once the batch is stored (for Kafka: acknowledged by every in-sync replica). */
  CompletableFuture<Void> send(LogBatch batch, byte[] value);

  @Override
  void close();
}
