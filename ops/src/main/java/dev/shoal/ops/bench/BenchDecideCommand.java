package dev.shoal.ops.bench;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench decide}: what one decision costs, without Kafka. Runs {@code shoal bench audit}'s
 * history ({@link AuditHistoryGenerator}) through the decision code and its outputs
 * ({@link BenchDecisions}: {@code Orchestrator.plan} and {@code DecisionOutputs}) on one thread and
 * times only those calls with the thread's CPU time, which other processes on a loaded machine
 * hardly change (wall time does). Prints a SHA-256 of every record the decisions publish (topic,
 * key, value), so two builds can be checked to decide byte for byte alike.
 */
@Command(name = "decide", mixinStandardHelpOptions = true,
    description = "Decisions per CPU second of the decision code over bench audit's history (no Kafka), and a digest"
        + " of every record they publish.")
public final class BenchDecideCommand implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "200000", description = "Decisions (default ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--every", defaultValue = "20000", description = "Print a line every so many decisions"
      + " (default ${DEFAULT-VALUE}).")
  long every;

  @Mixin
  HistoryShape shape;

  @Override
  public Integer call() throws Exception {
    if (records < 1 || every < 1 || shape.services < 1 || shape.nodes < 1) {
      throw new dev.shoal.ops.UsageException("--records, --every, --services and --nodes must be 1 or more");
    }
    AuditHistoryGenerator g = shape.generator(1_700_000_000_000L, 20);
    long[] window = {0};
    long wallStart = System.nanoTime();
    DecisionDigest.Result r = DecisionDigest.run(g, records, (i, spent, decisions) -> {
      window[0] += spent;
      if (i % every == 0 || i == records) {
        long n = i % every == 0 ? every : i % every;
        System.out.printf(Locale.ROOT, "[bench] %,d decisions: %,.0f decisions per CPU second over the last %,d;"
            + " %,d tasks in the state%n", i, n / (window[0] / 1e9), n, decisions.state().taskCount());
        window[0] = 0;
      }
    });
    System.out.printf(Locale.ROOT, "decisions: %,d in %.2f s of the deciding thread's CPU (%,.0f a second), wall %.1f s"
            + " with the history's making%n", records, r.cpuNanos() / 1e9, records / (r.cpuNanos() / 1e9),
        (System.nanoTime() - wallStart) / 1e9);
    System.out.printf(Locale.ROOT, "published: %,d records, %,d value bytes, SHA-256 %s%n", r.published(), r.bytes(),
        r.sha256());
    return 0;
  }
}
