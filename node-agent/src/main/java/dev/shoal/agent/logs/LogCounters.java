package dev.shoal.agent.logs;

/**
 * What the shipper counts, by service (never by task: task ids would be an unbounded label). The
 * agent's metrics implement it ({@code AgentMetrics.logCounters()}); without metrics nothing is counted.
 */
public interface LogCounters {
  /** Lines (and marker lines) Kafka acknowledged. */
  void shipped(String service, int lines);

  /** Lines the rate limit dropped, and their bytes. */
  void dropped(String service, long lines, long bytes);

  /** Bytes skipped unread: the task wrote faster than the shipper reads. */
  void skipped(String service, long bytes);

  /** Lines cut to the longest line. */
  void cut(String service);

  /** A batch sent: {@code acknowledged} or {@code failed} (it is sent again). */
  void batch(String outcome);

  LogCounters NONE = new LogCounters() {
    @Override
    public void shipped(String service, int lines) {}

    @Override
    public void dropped(String service, long lines, long bytes) {}

    @Override
    public void skipped(String service, long bytes) {}

    @Override
    public void cut(String service) {}

    @Override
    public void batch(String outcome) {}
  };
}
