package dev.shoal.orchestrator.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code shoal audit verify} found. {@code recordsReplayed} control-log records were read in
 * this run (from {@code fromOffset} to {@code endOffset}), {@code decisionsCompared} of them were
 * decisions whose outputs were compared with the derived topics: {@code matched} records equal,
 * {@code divergences} not ({@code shown}: the first of them). Records Kafka explains are counted
 * apart: {@code compactedAway} (a later record of the key was written), {@code expired} (before the
 * retention horizon of {@code shoal.events}), {@code notDecisions} (rejections at the doors and
 * quarantines, written without a decision). {@code resumedFrom}, when set, is the verified snapshot
 * the run went on from: the decisions up to it were compared by an earlier run, with no divergence.
 * {@code decisionCode} is this build's decision code; {@code stoppedAt}, when set, the first decision
 * another decision code made, where the run stopped: the decisions from there on were not checked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifyReport(long recordsReplayed, long decisionsCompared, long divergences, List<Divergence> shown,
                           long matched, long notDecisions, long compactedAway, long expired, long lastSequence,
                           long fromOffset, long endOffset, Resumed resumedFrom, String joins, List<String> notes,
                           double seconds, int decisionCode, Stopped stoppedAt) {

  /** The verified snapshot a run went on from: its last decision, that decision's time, its control-log offset. */
  public record Resumed(long sequence, long time, long nextOffset) {}

  /** The decision where a run stopped because other decision code made it: its sequence, offset, time and code. */
  public record Stopped(long sequence, long controlOffset, long time, int decisionCode, String reason) {}

  /** Whether the history checked out (as far as the run went: see {@link #complete}). */
  public boolean ok() {
    return divergences == 0;
  }

  /** Whether the run reached the end of the control log (not stopped at another decision code's decisions). */
  public boolean complete() {
    return stoppedAt == null;
  }

  /** {@code "N records replayed, M decisions compared, K divergences"}. */
  public String summary() {
    return recordsReplayed + " records replayed, " + decisionsCompared + " decisions compared, " + divergences
        + (divergences == 1 ? " divergence" : " divergences");
  }
}
