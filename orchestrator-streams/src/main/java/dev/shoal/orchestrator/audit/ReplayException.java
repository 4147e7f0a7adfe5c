package dev.shoal.orchestrator.audit;

/** A replay cannot go on (a gap in the control log, a log that no longer starts at the beginning); the message says why. */
public final class ReplayException extends RuntimeException {
  public ReplayException(String message) {
    super(message);
  }
}
