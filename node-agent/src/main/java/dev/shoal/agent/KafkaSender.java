package dev.shoal.agent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one producer. {@link #send} never blocks its caller: {@code Producer.send} can block
 * for {@code max.block.ms} while no broker has answered yet, so records are handed to the producer
 * by one thread of their own (which keeps their order). While Kafka cannot be reached, the producer
 * retries; this logs one WARN when sending starts failing and one INFO when it works again.
 */
final class KafkaSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSender.class);

  private final Producer<String, String> producer;
  private final ExecutorService handOver;
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile boolean closing;
  private volatile long lastAckMillis;

  KafkaSender(Producer<String, String> producer, String threadName) {
    this.producer = producer;
    this.handOver = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Completes when Kafka has stored the record, exceptionally when it could not be; on the hand-over
   * thread, not the producer's I/O thread: what waits on it may be heavy (a status batch signs the
   * next batch when the one before has landed), and the producer's one I/O thread also carries the
   * heartbeats (of a thousand hollow nodes, in {@code bench scale}).
   */
  CompletableFuture<Void> send(String topic, String key, String value) {
    CompletableFuture<Void> stored = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    stored.whenComplete((ok, err) -> completeOffIo(done, err));
    try {
      handOver.execute(() -> sendNow(topic, key, value, stored));
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private void completeOffIo(CompletableFuture<Void> done, Throwable err) {
    Runnable complete = () -> {
      if (err == null) {
        done.complete(null);
      } else {
        done.completeExceptionally(err);
      }
    };
    try {
      handOver.execute(complete);
    } catch (RejectedExecutionException closing) {
      complete.run();
    }
  }

  /**
   * Sends on the caller's thread, which may block up to {@code max.block.ms} while Kafka is away:
   * for periodic records (heartbeats) where waiting is better than queueing stale ones.
   */
  CompletableFuture<Void> sendFromCaller(String topic, String key, String value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    sendNow(topic, key, value, done);
    return done;
  }

  private void sendNow(String topic, String key, String value, CompletableFuture<Void> done) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value), (meta, err) -> {
        if (err == null) {
          lastAckMillis = System.currentTimeMillis();
          if (failing.compareAndSet(true, false)) {
            LOG.info("publishing to Kafka works again");
          }
          done.complete(null);
        } else {
          failed(topic, err);
          done.completeExceptionally(err);
        }
      });
    } catch (RuntimeException e) {
      failed(topic, e);
      done.completeExceptionally(e);
    }
  }

  private void failed(String topic, Exception e) {
    if (!closing && failing.compareAndSet(false, true)) {
      LOG.warn("cannot publish to {} ({}); the agent keeps trying and logs again when it works", topic, e.toString());
    }
  }

  /** The producer's own metric {@code producer-metrics/name} (e.g. {@code record-queue-time-max}); NaN if absent. */
  double producerMetric(String name) {
    return producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name))
        .map(e -> e.getValue().metricValue()).filter(v -> v instanceof Double).mapToDouble(v -> (Double) v)
        .findFirst().orElse(Double.NaN);
  }

  /** When Kafka last acknowledged a record (0 if never): what a fencing timeout would read. */
  long lastAckMillis() {
    return lastAckMillis;
  }

  /** From now on failures are expected (threads are being interrupted, Kafka may be gone): no more warnings. */
  void closing() {
    closing = true;
  }

  /** Hands over what is queued and waits for it to be stored, all within {@code timeout}. */
  void close(Duration timeout) {
    closing();
    long deadline = System.nanoTime() + timeout.toNanos();
    handOver.shutdown();
    try {
      if (!handOver.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        handOver.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handOver.shutdownNow();
    }
    producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
