package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Contact is the send time of the newest acknowledged heartbeat, counted from the agent's start. */
class KafkaContactTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final KafkaContact contact = new KafkaContact(nanos::get);

  private void advance(long ms) {
    nanos.addAndGet(Duration.ofMillis(ms).toNanos());
  }

  @Test
  void silenceCountsFromTheStartUntilAHeartbeatIsAcknowledged() {
    assertThat(contact.silence()).isZero();
    advance(5000);
    assertThat(contact.silence()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anAcknowledgementCountsFromWhenItsHeartbeatWasSent() {
    advance(1000);
    long sent = contact.sending();
    advance(4000); // the acknowledgement took a while: contact is still when it was sent
    contact.acknowledged(sent);
    assertThat(contact.silence()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aLateAcknowledgementOfAnOlderHeartbeatNeverMovesContactBack() {
    long older = contact.sending();
    advance(1000);
    long newer = contact.sending();
    contact.acknowledged(newer);
    contact.acknowledged(older);
    advance(500);
    assertThat(contact.silence()).isEqualTo(Duration.ofMillis(500));
  }
}
