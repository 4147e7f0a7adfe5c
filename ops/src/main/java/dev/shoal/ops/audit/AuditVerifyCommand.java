package dev.shoal.ops.audit;

import dev.shoal.ops.Converters;
import dev.shoal.ops.UsageException;
import dev.shoal.orchestrator.audit.AuditSource;
import dev.shoal.orchestrator.audit.VerifyReport;
import dev.shoal.schemas.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shoal audit verify}: replays the control log in an isolated run (in this process, against
 * nothing but what it reads) and compares every decision's outputs with the derived topics, record
 * by record. Exit status 0 when they agree, {@value #DIVERGED} when they do not, {@value #INCOMPLETE}
 * when they agree as far as the run went but it stopped at decisions another build's decision code
 * made (after an upgrade: those are verified with that build).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Replay every decision and compare its outputs with the derived topics, record by record. Exit"
        + " status 0 when all agree, 3 on any divergence (each printed with its offsets and both values), 4 when"
        + " all agree up to decisions made by another build's decision code, where the run stopped.")
final class AuditVerifyCommand implements Callable<Integer> {
  /** The exit status when the topics do not hold what the decisions publish. */
  static final int DIVERGED = 3;
  /** The exit status when no divergence was found but the run stopped at another decision code's decisions. */
  static final int INCOMPLETE = 4;
  /**
   * The longest wait between two rounds of --follow: a follow run is there to notice a divergence
   * soon, and a longer wait is more likely a typo (10h for 10s) than a wish.
   */
  static final Duration MAX_INTERVAL = Duration.ofHours(1);

  @Mixin
  AuditOptions options = new AuditOptions();

  @Option(names = "--full", description = "Replay from the first record even when a verified snapshot would do.")
  boolean full;

  @Option(names = "--max-shown", defaultValue = "20", description = "Divergences printed (all are counted; default ${DEFAULT-VALUE}).")
  int maxShown;

  @Option(names = "--follow", description = "Keep verifying as the cluster decides: after reaching the log's end,"
      + " wait --interval and go on from where the run stands (nothing is replayed twice), one line per round, until"
      + " interrupted (exit 0, leaving a verified snapshot where it stands), a divergence (3) or a decision of another"
      + " decision code (4).")
  boolean follow;

  @Option(names = "--interval", defaultValue = "10s", converter = Converters.DurationText.class,
      description = "With --follow, the wait between two rounds, at most 1h (default ${DEFAULT-VALUE}).")
  String interval;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (maxShown < 0) {
      throw new UsageException("--max-shown must be 0 or more, got " + maxShown);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (follow) {
      Duration wait = Durations.parse(interval);
      if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_INTERVAL) > 0) {
        throw new UsageException("--interval must be positive and at most 1h, got " + interval);
      }
      return new FollowRun(options, maxShown, full, wait, out, err).untilSignal();
    }
    VerifyReport report;
    try (AuditSource source = options.connect()) {
      report = options.audit(source, err, maxShown).verify(full);
    }
    if (options.json) {
      AuditText.json(report, out);
    } else {
      AuditText.verify(report, out);
    }
    out.flush();
    return exitStatus(report);
  }

  /** 0: all checked and equal; {@value #DIVERGED}: a divergence; {@value #INCOMPLETE}: none, but not all checked. */
  static int exitStatus(VerifyReport report) {
    return !report.ok() ? DIVERGED : report.complete() ? 0 : INCOMPLETE;
  }
}
