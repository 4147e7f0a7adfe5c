package dev.shoal.orchestrator.audit;

import java.util.List;

/**
 * The derived topics as {@link Verifier} reads them: each partition in offset order, committed
 * records only, and the partitioner the orchestrator's producer uses, so that the verifier knows in
 * which partition each record a decision published must be.
 */
public interface DerivedLogs {

  /** How many partitions {@code topic} has. */
  int partitions(String topic);

  /** Whether {@code topic} is compacted: older records of a key may be gone once a newer one is written. */
  boolean compacted(String topic);

  /** The partition Kafka's default partitioner gives {@code key} (a decision's {@code partitionKey}, as its sink partitions it). */
  int partitionFor(String topic, String key, int partitions);

  /** A reader of one partition from {@code position} (-1: from its first record). */
  PartitionLog open(String topic, int partition, long position);

  /** One partition read in offset order. */
  interface PartitionLog {
    /**
     * The next record not yet consumed, or null at the end. At the end it may look again once, briefly,
     * for records whose transaction committed a moment after the control log's (a commit writes its
     * markers partition by partition).
     */
    LogRecord peek();

    /** Moves past the record {@link #peek} returned. */
    void consume();

    /**
     * The records from the next one on, up to and including the first whose sequence is above
     * {@code sequence} (or to the end): a look ahead that consumes nothing.
     */
    List<LogRecord> upcoming(long sequence);

    /** The offset of the next record to consume (where a later run resumes). */
    long position();

    /** The partition's first offset when it was opened (above 0: older records were deleted). */
    long startOffset();
  }
}
