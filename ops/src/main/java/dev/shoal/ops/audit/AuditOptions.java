package dev.shoal.ops.audit;

import dev.shoal.ops.ClusterSecret;
import dev.shoal.ops.UsageException;
import dev.shoal.ops.kafka.KafkaClientConfig;
import dev.shoal.orchestrator.audit.Audit;
import dev.shoal.orchestrator.audit.AuditSource;
import dev.shoal.orchestrator.audit.KafkaAuditSource;
import dev.shoal.orchestrator.audit.Progress;
import dev.shoal.orchestrator.audit.SnapshotCache;
import dev.shoal.orchestrator.core.OrchestratorSettings;
import dev.shoal.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags every {@code shoal audit} command shares: where the cluster is, how to log in, the
 * decision settings the orchestrator ran with ({@code --task-history}, and how joins are judged:
 * with {@code --cluster-secret-file}, as an open cluster, or — with neither — taken from the record
 * and said so), where snapshots are cached, and how to print.
 */
final class AuditOptions {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--kafka-config", description = "Kafka client properties (security.protocol, sasl.*, ssl.*, ...): a"
      + " principal that may read shoal.control and the derived topics.")
  Path kafkaConfig;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name (default none).")
  String prefix;

  @Option(names = "--cluster-secret-file", description = "The cluster secret (as the orchestrator's), to re-check join"
      + " tokens. Without it (and without --insecure-open-join) join verdicts are taken from shoal.nodes, unverified.")
  Path secretFile;

  @Option(names = "--insecure-open-join", description = "The orchestrator runs with --insecure-open-join: every node"
      + " joins as a worker.")
  boolean openJoin;

  @Option(names = "--task-history", defaultValue = "5", description = "Tasks kept per slot, as the orchestrator's"
      + " --task-history (default ${DEFAULT-VALUE}).")
  int history;

  @Option(names = "--cache-dir", description = "Where replay snapshots are kept (default $XDG_CACHE_HOME/shoal/audit"
      + " or ~/.cache/shoal/audit; mode 700: snapshots hold every spec).")
  Path cacheDir;

  @Option(names = "--no-cache", description = "Neither read nor write snapshots: every replay starts at the first record.")
  boolean noCache;

  @Option(names = "--snapshot-every", defaultValue = "20000", description = "Decisions between two snapshots"
      + " (default ${DEFAULT-VALUE}).")
  long snapshotEvery;

  @Option(names = "--json", description = "Print JSON for tools instead of text (progress still goes to stderr).")
  boolean json;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  /** The cluster's topics as named with {@code --topic-prefix}. */
  Topics topics() {
    return new Topics(prefix);
  }

  /** Checks the flags (a usage error before anything connects) and connects. */
  AuditSource connect() {
    if (history < 1) {
      throw new UsageException("--task-history must be 1 or more, got " + history);
    }
    if (snapshotEvery < 1) {
      throw new UsageException("--snapshot-every must be 1 or more, got " + snapshotEvery);
    }
    if (secretFile != null && openJoin) {
      throw new UsageException("--cluster-secret-file and --insecure-open-join exclude each other");
    }
    Map<String, Object> client = new HashMap<>(KafkaClientConfig.load(kafkaConfig));
    // An unreachable cluster is an answer within seconds, not a minute of silence.
    client.putIfAbsent("default.api.timeout.ms", "20000");
    client.putIfAbsent("request.timeout.ms", "15000");
    return new KafkaAuditSource(bootstrap, client, topics());
  }

  /** The audit over {@code source}, with the snapshot cache of its control log unless {@code --no-cache}. */
  Audit audit(AuditSource source, PrintWriter err, int divergencesShown) {
    byte[] secret = secretFile == null ? null : ClusterSecret.load(secretFile);
    Audit.Joins joins = secret != null ? Audit.Joins.SECRET : openJoin ? Audit.Joins.OPEN : Audit.Joins.RECORDED;
    SnapshotCache cache = noCache ? null : new SnapshotCache(cacheRoot().resolve(cacheName(source)));
    Progress progress = quiet ? Progress.NONE : new ProgressLines(err);
    return new Audit(source, topics(), new Audit.Options(new OrchestratorSettings(history), joins, secret,
        snapshotEvery, divergencesShown), cache, progress);
  }

  /** One directory per control log: its name and Kafka's id of it (a re-created topic is another log). */
  private String cacheName(AuditSource source) {
    String control = topics().control.name();
    return control + "-" + source.topicIds().get(control);
  }

  private Path cacheRoot() {
    if (cacheDir != null) {
      return cacheDir;
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("shoal").resolve("audit");
  }
}
