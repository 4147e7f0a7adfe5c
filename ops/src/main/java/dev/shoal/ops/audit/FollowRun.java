package dev.shoal.ops.audit;

import dev.shoal.orchestrator.audit.Audit;
import dev.shoal.orchestrator.audit.AuditFollow;
import dev.shoal.orchestrator.audit.StateSnapshot;
import dev.shoal.orchestrator.audit.VerifyReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code shoal audit verify --follow} in a process: rounds of {@link AuditFollow}, one line each, until
 * SIGINT or SIGTERM (the run stops between two decisions, leaves a verified snapshot where it stands
 * and exits 0), a divergence (printed, {@value AuditVerifyCommand#DIVERGED}) or a decision of another
 * decision code ({@value AuditVerifyCommand#INCOMPLETE}).
 */
final class FollowRun {
  /** How long a signal waits for the run to stop cleanly before the process ends anyway. */
  private static final Duration STOP_GRACE = Duration.ofMinutes(2);

  private final AuditOptions options;
  private final int maxShown;
  private final boolean full;
  private final Duration interval;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopAsked = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile int exitStatus = 1;

  FollowRun(AuditOptions options, int maxShown, boolean full, Duration interval, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.maxShown = maxShown;
    this.full = full;
    this.interval = interval;
    this.out = out;
    this.err = err;
  }

  /**
   * Runs until a finding or a signal. A signal starts the JVM's shutdown, whose exit status would be
   * the signal's: the hook asks the run to stop, waits for it to end cleanly, and ends the process
   * with the run's own status.
   */
  int untilSignal() {
    Thread hook = new Thread(() -> {
      stopAsked.countDown();
      try {
        boolean clean = ended.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(clean ? exitStatus : 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shoal-audit-follow-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      exitStatus = run();
      return exitStatus;
    } finally {
      out.flush();
      ended.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // a signal came: the hook ends the process with the run's status
      }
    }
  }

  private int run() {
    AuditFollow follow = new AuditFollow(options::connect, source -> options.audit(source, err, maxShown));
    int[] round = {0};
    AuditFollow.Outcome outcome;
    try {
      outcome = follow.run(full, () -> stopAsked.getCount() == 0,
          stop -> stopAsked.await(interval.toMillis(), TimeUnit.MILLISECONDS), r -> print(++round[0], r));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    VerifyReport last = outcome.last().report();
    if (!options.json && outcome.stopped()) {
      out.println("stopped after " + outcome.rounds() + (outcome.rounds() == 1 ? " round" : " rounds")
          + "; verified up to decision " + last.lastSequence()
          + (options.noCache ? "" : ", where a verified snapshot is left for the next verify"));
    }
    return AuditVerifyCommand.exitStatus(last);
  }

  /** The first round and any round with a finding in full, as verify prints it; later rounds in a line. */
  private void print(int n, Audit.Round r) {
    VerifyReport report = r.report();
    if (options.json) {
      AuditText.json(report, out);
    } else if (n == 1 || r.ends()) {
      AuditText.verify(report, out);
    } else {
      StateSnapshot at = r.verifiedAt();
      out.printf(Locale.ROOT, "round %d: %s; verified up to decision %d%s; in %.1f s%n", n, report.summary(),
          report.lastSequence(), at == null ? "" : " (made " + AuditText.time(at.time()) + ")", report.seconds());
    }
    out.flush();
  }
}
