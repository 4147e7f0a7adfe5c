package dev.shoal.orchestrator.audit;

/**
 * One difference between what the replayed decisions publish and what a topic holds.
 *
 * <ul>
 *   <li>{@code different}: a record of the decision with that sequence has another value (or time);
 *   <li>{@code missing}: the decision published a record the topic does not hold (and neither
 *       compaction nor retention explains its absence);
 *   <li>{@code unexpected}: the topic holds a record no decision published — one without a
 *       {@code shoal-sequence} header, or one its decision did not publish there (altered,
 *       inserted by hand, or written by another producer);
 *   <li>{@code control}: a control-log record that is no decision (no sequence, a sequence seen
 *       before) or a recorded decision that does not replay.
 * </ul>
 *
 * {@code where} is the actual record's place ({@code topic-partition@offset}) or, for a missing one,
 * its topic and partition; {@code sequence} the decision, {@code controlOffset} its control-log
 * offset. Values are the records' JSON (null: none, {@code tombstone}: a deletion).
 */
public record Divergence(String kind, String where, Long sequence, Long controlOffset, String key, String expected,
                         String actual, String detail) {
  public static final String DIFFERENT = "different";
  public static final String MISSING = "missing";
  public static final String UNEXPECTED = "unexpected";
  public static final String CONTROL = "control";
}
