package dev.shoal.orchestrator.streams;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A wall-clock punctuation set for the earliest stored timer only, rather than a check every few
 * milliseconds. Kafka Streams marks a task as needing a commit after every punctuation, and with
 * exactly-once a commit is a transaction (the consumed offsets again, then its markers): a check
 * every 20 ms cost an idle orchestrator fifty empty transactions a second, and a write that
 * arrived during one waited for it.
 */
final class TimerAlarm {
  private final ProcessorContext<?, ?> context;
  private final Punctuator onRing;
  private Cancellable scheduled;
  private long armedFor = Long.MAX_VALUE;

  TimerAlarm(ProcessorContext<?, ?> context, Punctuator onRing) {
    this.context = context;
    this.onRing = onRing;
  }

  /** Makes the alarm ring at {@code dueAt} (wall-clock ms) at the latest; a later time than already set changes nothing. */
  void armFor(long dueAt) {
    if (dueAt >= armedFor) {
      return;
    }
    cancel();
    long in = Math.max(1, dueAt - context.currentSystemTimeMs());
    scheduled = context.schedule(Duration.ofMillis(in), PunctuationType.WALL_CLOCK_TIME, onRing);
    armedFor = dueAt;
  }

  /** Called by the punctuation as it rings: the alarm is unset until armed again. */
  void rang() {
    cancel();
  }

  private void cancel() {
    if (scheduled != null) {
      scheduled.cancel();
      scheduled = null;
    }
    armedFor = Long.MAX_VALUE;
  }
}
