package dev.shoal.ops.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs {@link AuditHistoryGenerator}'s inputs through {@link BenchDecisions}, one after the other,
 * and hands each decision on (to Kafka in the bench, to a list in tests), counting the mix of
 * inputs by kind.
 */
final class BenchHistory {
  /** Told now and then how far the history got. */
  interface Progress {
    void update(long decisions, long target);
  }

  private final AuditHistoryGenerator generator;
  private final BenchDecisions decisions;
  private final Map<String, Long> mix = new TreeMap<>();
  private long decided;

  BenchHistory(AuditHistoryGenerator generator, BenchDecisions decisions) {
    this.generator = generator;
    this.decisions = decisions;
  }

  /** Makes {@code n} more decisions, each handed to {@code sink}. */
  void run(long n, Consumer<BenchDecisions.Decided> sink, Progress progress) {
    long target = decided + n;
    long attempts = 0;
    while (decided < target) {
      if (++attempts > 2 * n + 1000) {
        throw new IllegalStateException("the decision code refuses most of the bench's inputs ("
            + decisions.refused() + " refused): the generator is broken");
      }
      AuditHistoryGenerator.Input in = generator.next(decisions.state());
      BenchDecisions.Decided d = decisions.decide(in);
      if (d == null) {
        continue;
      }
      decided++;
      mix.merge(kind(in), 1L, Long::sum);
      generator.decided(d.plan(), decisions.state());
      sink.accept(d);
      progress.update(decided, target);
    }
  }

  long decided() {
    return decided;
  }

  long refused() {
    return decisions.refused();
  }

  /** Decisions by kind of input: {@code spec-applied}, {@code task-status}, {@code command:ScaleService}, ... */
  Map<String, Long> mix() {
    return Map.copyOf(mix);
  }

  private static String kind(AuditHistoryGenerator.Input in) {
    if (in.message() instanceof dev.shoal.schemas.ControlMessage.CommandIssued c) {
      return "command:" + c.envelope().command().getClass().getSimpleName();
    }
    return in.message().getClass().getSimpleName();
  }
}
