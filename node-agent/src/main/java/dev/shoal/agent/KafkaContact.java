package dev.shoal.agent;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When this node was last in contact with Kafka, as fencing reads it: the moment the newest
 * acknowledged heartbeat was <em>sent</em>, on the monotonic clock.
 *
 * <p>Heartbeats only, since they are what the orchestrator's liveness reads: another topic's
 * partition may live on a broker that is still reachable. The send time, not the acknowledgement
 * time, because it is never later than the broker's append time of that heartbeat, which is where
 * the orchestrator's down timeout starts counting: the agent's count can only start earlier, never
 * later, however long the acknowledgement took. Agent start counts as contact, so an agent that
 * never reaches Kafka fences after one timeout too (stopping tasks it adopted).
 */
final class KafkaContact {
  private final LongSupplier nanoClock;
  private final AtomicLong lastContact;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledgements = new AtomicLong();

  KafkaContact(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastContact = new AtomicLong(nanoClock.getAsLong());
  }

  static KafkaContact monotonic() {
    return new KafkaContact(System::nanoTime);
  }

  /** The time to pass to {@link #acknowledged} once the heartbeat sent now is stored. */
  long sending() {
    sent.incrementAndGet();
    return nanoClock.getAsLong();
  }

  /** Kafka stored a heartbeat sent at {@code sentAt}; out-of-order acknowledgements never move contact back. */
  void acknowledged(long sentAt) {
    acknowledgements.incrementAndGet();
    lastContact.accumulateAndGet(sentAt, Math::max);
  }

  Duration silence() {
    return Duration.ofNanos(Math.max(0, nanoClock.getAsLong() - lastContact.get()));
  }

  /** Heartbeats sent so far (metrics). */
  long sent() {
    return sent.get();
  }

  /** Heartbeats Kafka acknowledged so far (metrics). */
  long acknowledgements() {
    return acknowledgements.get();
  }
}
