package dev.shoal.orchestrator.audit;

/** Where a long replay stands, for people watching it; called often, so implementations throttle. */
public interface Progress {
  Progress NONE = (done, total, what) -> { };

  /** {@code done} of {@code total} control-log records handled so far; {@code what} says what the run does. */
  void update(long done, long total, String what);
}
