package dev.shoal.ops.bench;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.DecisionOutputs;
import dev.shoal.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Runs bench audit's generated history through the decision code and its outputs ({@link BenchDecisions}),
 * without Kafka, and digests every record the decisions publish (topic, key, value) with SHA-256: two
 * builds decide byte for byte alike exactly when their digests of the same history are equal. Only the
 * deciding calls are timed, with the thread's CPU time.
 */
final class DecisionDigest {
  /** What a run gave: decisions, records and value bytes published, their SHA-256, the deciding CPU time. */
  record Result(long decisions, long published, long bytes, String sha256, long cpuNanos) {}

  /** Told after each decision: its number (from 1), the CPU it took, the state after it. */
  interface Progress {
    void decided(long number, long cpuNanos, BenchDecisions decisions);
  }

  private DecisionDigest() {}

  /** {@code records} decisions over {@code history}, as {@code shoal bench decide} makes them. */
  static Result run(AuditHistoryGenerator history, long records, Progress progress) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    BenchDecisions decisions = new BenchDecisions(Topics.defaults(), OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN,
        history.signatures());
    MessageDigest digest = sha256();
    long total = 0;
    long published = 0;
    long bytes = 0;
    for (long i = 1; i <= records; i++) {
      AuditHistoryGenerator.Input in = history.next(decisions.state());
      long before = cpu.getCurrentThreadCpuTime();
      BenchDecisions.Decided d = decisions.decide(in);
      long spent = cpu.getCurrentThreadCpuTime() - before;
      total += spent;
      if (d == null) {
        throw new IllegalStateException("the decision code refused input " + i + ": the generator is broken");
      }
      for (DecisionOutputs.Published p : d.records()) {
        digest.update((p.topic() + "\u0000" + p.key() + "\u0000").getBytes(StandardCharsets.UTF_8));
        if (p.value() != null) {
          digest.update(p.value());
          bytes += p.value().length;
        }
        published++;
      }
      history.decided(d.plan(), decisions.state());
      if (progress != null) {
        progress.decided(i, spent, decisions);
      }
    }
    return new Result(records, published, bytes, HexFormat.of().formatHex(digest.digest()), total);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
