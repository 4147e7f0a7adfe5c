package dev.shoal.orchestrator.core;

/**
 * Restart bookkeeping of one slot (or, for a global service, one node): the dead task the last
 * decision was about, how many restarts were made in the current window and when it started, and
 * the earliest time the replacement may be created ({@link Long#MAX_VALUE}: never, the policy
 * said no).
 */
public record RestartRecord(String decidedFor, int attempts, long windowStart, long notBefore, String reason) {
  public boolean gaveUp() {
    return notBefore == Long.MAX_VALUE;
  }
}
