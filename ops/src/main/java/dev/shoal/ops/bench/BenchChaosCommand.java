package dev.shoal.ops.bench;

import dev.shoal.ops.UsageException;
import dev.shoal.schemas.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench chaos}: {@link ChaosRun}'s rounds, then the faults, the settle times' p50/p99 and every
 * violation. Exits 1 when there was a violation.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = {"Kill a random component each round (a broker, the active orchestrator, a gateway, an agent) of a"
        + " cluster of 3 brokers, 2 orchestrators, 2 gateways and 3 agents, each a separate process, under API writes"
        + " and a rolling update; after each round check that no accepted write is lost, every service has exactly"
        + " its replicas, one process per slot on the machine, and the update completes.",
        "Exit code 1 if anything was violated."})
public final class BenchChaosCommand implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "5", description = "Faults to inject (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--seed", description = "Seed of the faults and the load (default: random, printed).")
  Long seed;

  @Option(names = "--max-down", defaultValue = "5s", description = "A killed component stays down 1 s up to this"
      + " (default ${DEFAULT-VALUE}).")
  String maxDown;

  @Option(names = "--settle-timeout", defaultValue = "120s", description = "How long after the restart the cluster"
      + " may take to pass every check before that is a violation (default ${DEFAULT-VALUE}).")
  String settleTimeout;

  @Option(names = "--node-down-timeout", defaultValue = "3s", description = "The orchestrators' (agents fence after"
      + " twice that) (default ${DEFAULT-VALUE}).")
  String nodeDownTimeout;

  @Option(names = "--work-dir", description = "Where the processes keep data and logs (default: a temporary"
      + " directory, deleted afterwards).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new UsageException("--rounds must be 1 or more, got " + rounds);
    }
    Duration down = duration("--max-down", maxDown);
    if (down.toMillis() < 1000) {
      throw new UsageException("--max-down must be 1s or more, got " + maxDown);
    }
    long s = seed != null ? seed : new SecureRandom().nextLong();
    ChaosRun.Settings settings = new ChaosRun.Settings(rounds, s, down, duration("--settle-timeout", settleTimeout),
        duration("--node-down-timeout", nodeDownTimeout));
    System.out.printf(Locale.ROOT, "shoal bench chaos: %d rounds, seed %d (--seed %d repeats the faults), down 1-%s,"
        + " settle timeout %s, node-down timeout %s; %d cores, load average %s%n", rounds, s, s, maxDown, settleTimeout,
        nodeDownTimeout, Runtime.getRuntime().availableProcessors(), loadAverage());
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("shoal-chaos-") : workDir;
    List<ChaosRun.Round> result;
    try {
      result = new ChaosRun(settings, System.out).run(dir);
    } finally {
      if (temporary) {
        deleteQuietly(dir);
      }
    }
    return summary(result, System.out);
  }

  /** Prints the faults, settle times and violations; 1 if there was a violation or a round never settled. */
  static int summary(List<ChaosRun.Round> rounds, java.io.PrintStream out) {
    out.println();
    Map<ChaosRun.Kind, Integer> faults = new EnumMap<>(ChaosRun.Kind.class);
    rounds.forEach(r -> faults.merge(r.kind(), 1, Integer::sum));
    out.println("faults: " + rounds.size() + " " + faults.toString().toLowerCase(Locale.ROOT));
    List<Double> settled = rounds.stream().map(ChaosRun.Round::settleSeconds).filter(t -> t >= 0).toList();
    if (!settled.isEmpty()) {
      out.printf(Locale.ROOT, "settled after the restart (s), %d rounds: p50 %.2f  p99 %.2f  max %.2f%n", settled.size(),
          ChaosRun.percentile(settled, 50), ChaosRun.percentile(settled, 99), ChaosRun.percentile(settled, 100));
    }
    out.println("most processes seen in one slot during a round: "
        + rounds.stream().mapToInt(ChaosRun.Round::mostPerSlot).max().orElse(0));
    long violations = rounds.stream().mapToLong(r -> r.violations().size()).sum();
    out.println("violations: " + violations);
    rounds.forEach(r -> r.violations().forEach(v -> out.println("  round " + r.round() + " (" + r.victim() + "): " + v)));
    out.println("load average after: " + loadAverage());
    return violations == 0 ? 0 : 1;
  }

  private static Duration duration(String flag, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
