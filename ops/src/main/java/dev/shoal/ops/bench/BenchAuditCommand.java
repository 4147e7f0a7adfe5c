package dev.shoal.ops.bench;

import dev.shoal.kafka.EmbeddedKafka;
import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.orchestrator.streams.TopicProvisioner;
import dev.shoal.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal bench audit}: how long {@code shoal audit verify} and {@code shoal audit at} take over
 * a long history. An embedded broker gets {@code --records} decisions of a busy cluster (made by the
 * decision code, published as the orchestrator publishes them: {@link BenchDecisions},
 * {@link DecisionLogWriter}); then each command runs in a JVM of its own, without snapshots, writing
 * them, and resuming from them ({@link AuditRun}).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Measure 'shoal audit verify' and 'shoal audit at' over a long generated history (embedded broker),"
        + " with and without snapshots.")
public final class BenchAuditCommand implements Callable<Integer> {
  @Option(names = "--records", defaultValue = "1000000", description = "Decisions (control-log records) to generate"
      + " (default ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--more", defaultValue = "-1", description = "Decisions added before the last verify, which resumes"
      + " from its snapshot (default: 1%% of --records).")
  long more;

  @Mixin
  HistoryShape shape;

  @Option(names = "--snapshot-every", defaultValue = "20000", description = "As shoal audit's (default ${DEFAULT-VALUE}).")
  long snapshotEvery;

  @Option(names = "--skip-uncached", description = "Leave out the two runs without snapshots (verify --no-cache and"
      + " at --no-cache): each is a full replay, as long as 'verify, leaving snapshots' or longer.")
  boolean skipUncached;

  @Option(names = "--per-transaction", defaultValue = "200", description = "Decisions per producer transaction"
      + " (default ${DEFAULT-VALUE}).")
  int perTransaction;

  @Option(names = "--heap", defaultValue = "1g", description = "-Xmx of each shoal audit JVM (default ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--jvm-arg", description = "An option for each shoal audit JVM, e.g."
      + " -XX:StartFlightRecording=filename=/tmp/audit-{run}.jfr to profile them ({run}: the run's name; repeatable).")
  List<String> jvmArgs = new ArrayList<>();

  /** Simulated time between two inputs: a million make about 5.5 hours of history. */
  private static final long STEP_MILLIS = 20;

  @Override
  public Integer call() throws Exception {
    if (records < 100 || shape.services < 1 || shape.nodes < 1 || perTransaction < 1 || snapshotEvery < 1) {
      throw new dev.shoal.ops.UsageException("--records must be 100 or more; --services, --nodes,"
          + " --per-transaction and --snapshot-every 1 or more");
    }
    long extra = more >= 0 ? more : Math.max(1, records / 100);
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("shoal-bench-audit-");
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().build()) {
      out.println("[bench] starting Kafka");
      kafka.start();
      String bootstrap = kafka.bootstrapServers();
      Topics topics = Topics.defaults();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicProvisioner.ensure(admin, topics, TopicProvisioner.Replication.of((short) 1));
      }
      long start = System.currentTimeMillis() - (records + extra + 1000) * STEP_MILLIS;
      AuditHistoryGenerator generator = shape.generator(start, STEP_MILLIS);
      BenchHistory history = new BenchHistory(generator,
          new BenchDecisions(topics, OrchestratorSettings.DEFAULTS, JoinPolicy.OPEN, generator.signatures()));
      long[] atTime = {0};
      long atDecision = records * 95 / 100;
      try (DecisionLogWriter writer = new DecisionLogWriter(bootstrap, perTransaction, topics.control.name())) {
        generate(out, history, writer, records, d -> {
          if (d.sequence() == atDecision) {
            atTime[0] = d.time();
          }
        });
      }
      List<String> common = List.of("--bootstrap-servers", bootstrap, "--insecure-open-join", "--task-history", "5",
          "--snapshot-every", Long.toString(snapshotEvery));
      String cache = dir.resolve("cache").toString();
      String at = Instant.ofEpochMilli(atTime[0]).toString();
      String loadBefore = loadAverage();
      List<AuditRun> runs = new ArrayList<>();
      if (!skipUncached) {
        runs.add(run(out, dir, "verify, no snapshots", common, "verify", "--no-cache"));
      }
      runs.add(run(out, dir, "verify, leaving snapshots", common, "verify", "--cache-dir", cache));
      String snapshots = snapshotFiles(Path.of(cache));
      runs.add(run(out, dir, "verify again, nothing new", common, "verify", "--cache-dir", cache));
      // The same new decisions verified twice: by a follow that runs while they are made (and a verify
      // after it), and by a verify from the snapshots as they stood before, with no follow.
      String cacheNoFollow = dir.resolve("cache-no-follow").toString();
      copy(Path.of(cache), Path.of(cacheNoFollow));
      String n = String.format(Locale.ROOT, "%,d", extra);
      List<String> followArgs = new ArrayList<>(List.of("verify", "--follow", "--interval", "1s", "--quiet",
          "--cache-dir", cache));
      followArgs.addAll(common);
      AuditRun.Running follow = AuditRun.start("verify --follow, " + n + " decided", followArgs, heap, jvmArgs, dir,
          out);
      follow.awaitLine(0, line -> line.contains(" records replayed, "), Duration.ofMinutes(30));
      try (DecisionLogWriter writer = new DecisionLogWriter(bootstrap, perTransaction, topics.control.name())) {
        generate(out, history, writer, extra, d -> { });
      }
      // Caught up: a round after the last decision was written that found nothing new.
      boolean caughtUp = follow.awaitLine(follow.lines(), line -> line.startsWith("round ")
          && line.contains(": 0 records replayed, "), Duration.ofMinutes(30));
      follow.terminate();
      AuditRun followed = follow.finish();
      out.println("[bench] " + followed.row().trim() + (caughtUp ? "" : " (did not catch up within 30 minutes)"));
      runs.add(followed);
      runs.add(run(out, dir, "verify after the follow stopped", common, "verify", "--cache-dir", cache));
      runs.add(run(out, dir, "verify again, " + n + " new (no follow)", common, "verify", "--cache-dir",
          cacheNoFollow));
      if (!skipUncached) {
        runs.add(run(out, dir, "at (decision " + atDecision + "), no snapshots", common, "at", at, "--no-cache"));
      }
      runs.add(run(out, dir, "at (decision " + atDecision + "), snapshots", common, "at", at, "--cache-dir", cache));
      report(out, history, runs, at, loadBefore);
      out.println("snapshots left by the first verify (every " + String.format(Locale.ROOT, "%,d", snapshotEvery)
          + " decisions): " + snapshots + "; in the cache at the end (pruned): " + snapshotFiles(Path.of(cache)));
      return runs.stream().allMatch(r -> r.exit() == 0) ? 0 : 1;
    } finally {
      WorkDirs.delete(dir);
    }
  }

  private static void generate(PrintStream out, BenchHistory history, DecisionLogWriter writer, long n,
                               java.util.function.Consumer<BenchDecisions.Decided> also) {
    long t0 = System.nanoTime();
    long[] printed = {t0};
    out.printf(Locale.ROOT, "[bench] generating %,d decisions%n", n);
    long before = history.decided();
    history.run(n, d -> {
      writer.write(d);
      also.accept(d);
    }, (done, target) -> {
      long now = System.nanoTime();
      if (now - printed[0] >= 2_000_000_000L || done == target) {
        printed[0] = now;
        double s = (now - t0) / 1e9;
        out.printf(Locale.ROOT, "[bench] %,d of %,d decisions (%,d records in all topics), %,.0f decisions/s, %.1f s,"
            + " heap used %d MB%n", done - before, n, writer.records(), (done - before) / Math.max(s, 1e-3), s,
            usedHeapMb());
      }
    });
  }

  private AuditRun run(PrintStream out, Path dir, String label, List<String> common, String... args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(common);
    AuditRun r = AuditRun.run(label, all, heap, jvmArgs, dir, out);
    out.println("[bench] " + r.row().trim());
    return r;
  }

  private void report(PrintStream out, BenchHistory history, List<AuditRun> runs, String at, String loadBefore) {
    out.println();
    out.printf(Locale.ROOT, "history: %,d decisions (%,d services, %d nodes, seed %d), %,d inputs refused%n",
        history.decided(), shape.services, shape.nodes, shape.seed, history.refused());
    long total = history.decided();
    StringBuilder mix = new StringBuilder("mix:");
    history.mix().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> mix.append(String.format(Locale.ROOT, " %s %.1f%%", e.getKey(), 100.0 * e.getValue() / total)));
    out.println(mix);
    out.println("at: " + at + "; each run a JVM of its own, -Xmx" + heap + "; load average before the runs "
        + loadBefore + ", after them " + loadAverage());
    out.println(AuditRun.header());
    runs.forEach(r -> out.println(r.row()));
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /** How many snapshot files {@code cache} holds and their size on disk: what --snapshot-every costs. */
  private static String snapshotFiles(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return "none";
    }
    long[] countAndBytes = {0, 0, 0};
    try (Stream<Path> files = Files.walk(cache)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        long size = f.toFile().length();
        countAndBytes[0]++;
        countAndBytes[1] += size;
        countAndBytes[2] = Math.max(countAndBytes[2], size);
      });
    }
    return String.format(Locale.ROOT, "%d files, %.1f MB in all, the largest %.0f kB", countAndBytes[0],
        countAndBytes[1] / 1e6, countAndBytes[2] / 1e3);
  }

  private static String loadAverage() {
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", l);
  }

  private static long usedHeapMb() {
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }
}
