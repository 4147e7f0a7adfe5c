package dev.shoal.orchestrator.core;

/**
 * Which decisions this build makes. A decision is a pure function of its input and the state, and
 * audit proves a history by making every decision again; a build whose code decides differently
 * from the one that recorded a history would report every difference as a divergence, which is no
 * tampering. So every control-log entry names the decision code that made it (the
 * {@code shoal-decision-code} header) and a replay re-derives only decisions of its own code.
 *
 * <p>Raise {@link #VERSION} with any change after which the same inputs may give other outputs
 * (anything {@code shoal bench decide}'s digest sees), and record the new digest in
 * {@code DecisionCodeVersionTest}, which fails when the digest moves and the version does not.
 */
public final class DecisionCode {
  /** This build's decision code. */
  public static final int VERSION = 1;

  private DecisionCode() {}
}
