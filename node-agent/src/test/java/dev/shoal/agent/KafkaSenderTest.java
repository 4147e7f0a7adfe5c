package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Work that waits on a stored record (a status batch signing the next one) never runs on the producer's I/O thread. */
class KafkaSenderTest {
  @Test
  void whatWaitsOnAStoredRecordRunsOnTheHandOverThreadNotTheProducers() throws Exception {
    MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    KafkaSender sender = new KafkaSender(producer, "sender-under-test");
    try {
      AtomicReference<String> ranOn = new AtomicReference<>();
      CompletableFuture<Void> after = sender.send("t", "k", "v").thenRun(() -> ranOn.set(Thread.currentThread().getName()));
      await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);

      Thread io = new Thread(producer::completeNext, "producer-io");
      io.start();
      io.join();

      after.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(ranOn.get()).isEqualTo("sender-under-test");
    } finally {
      sender.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void aFailedSendFailsItsFutureOffTheProducersThreadToo() throws Exception {
    MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    KafkaSender sender = new KafkaSender(producer, "sender-under-test");
    try {
      AtomicReference<String> ranOn = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CompletableFuture<Void> sent = sender.send("t", "k", "v");
      CompletableFuture<Void> after = sent.whenComplete((ok, err) -> {
        ranOn.set(Thread.currentThread().getName());
        failure.set(err);
      }).exceptionally(e -> null);
      await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);

      Thread io = new Thread(() -> producer.errorNext(new RuntimeException("broker gone")), "producer-io");
      io.start();
      io.join();

      after.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(ranOn.get()).isEqualTo("sender-under-test");
      assertThat(failure.get()).hasMessageContaining("broker gone");
    } finally {
      sender.close(Duration.ofSeconds(1));
    }
  }
}
