package dev.shoal.orchestrator.audit;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code shoal audit verify --follow}: verifies in rounds as the cluster decides. The first round is
 * a {@code verify} (from the newest verified snapshot, or the first record); each later round opens
 * the log again (a round reads to the end the log had when it began) and goes on from the verified
 * state the round before ended at, kept in memory, so nothing is replayed twice. Snapshots are
 * written as a {@code verify} writes them, every {@code --snapshot-every} decisions, and where the
 * run ends cleanly (stopped, or at another decision code's decision), not at every round's end: a
 * later {@code verify} goes on from there.
 *
 * <p>The run ends when a round finds a divergence, when a round stops before a decision of another
 * decision code, or when {@code stop} says so (checked between two decisions and while waiting).
 */
public final class AuditFollow {
  /** How the run waits between two rounds: returns early once {@code stop} says so. */
  public interface Pause {
    void between(BooleanSupplier stop) throws InterruptedException;
  }

  /** How a run ended: its last round, how many rounds it ran, and whether it was stopped (not ended by a finding). */
  public record Outcome(Audit.Round last, int rounds, boolean stopped) {}

  private final Supplier<AuditSource> sources;
  private final Function<AuditSource, Audit> audits;

  /** A follow over the sources {@code sources} opens (one per round), audited as {@code audits} says. */
  public AuditFollow(Supplier<AuditSource> sources, Function<AuditSource, Audit> audits) {
    this.sources = sources;
    this.audits = audits;
  }

  /**
   * Runs rounds until one finds a divergence or another decision code's decision, or until
   * {@code stop}; {@code each} is told every round as it ends.
   *
   * @throws ReplayException as a {@code verify} does, and when the log changed under the run
   */
  public Outcome run(boolean full, BooleanSupplier stop, Pause pause, Consumer<Audit.Round> each)
      throws InterruptedException {
    StateSnapshot verifiedAt = null;
    boolean unwritten = false; // rounds verified decisions past the last snapshot written
    Audit.Round round;
    int rounds = 0;
    while (true) {
      try (AuditSource source = sources.get()) {
        Audit audit = audits.apply(source);
        round = rounds == 0 ? audit.verifyFirstRound(full, stop) : audit.verifyNextRound(verifiedAt, stop);
        rounds++;
        each.accept(round);
        if (round.report().ok()) {
          verifiedAt = round.verifiedAt();
          unwritten |= round.replayedAny();
        }
        if (round.ends() || stop.getAsBoolean()) {
          if (round.report().ok() && unwritten) {
            audit.keep(verifiedAt);
          }
          return new Outcome(round, rounds, !round.ends());
        }
      }
      pause.between(stop);
      if (stop.getAsBoolean()) {
        if (unwritten) {
          try (AuditSource source = sources.get()) {
            audits.apply(source).keep(verifiedAt);
          }
        }
        return new Outcome(round, rounds, true);
      }
    }
  }
}
