package dev.shoal.orchestrator.audit;

import java.util.Map;

/**
 * Where an audit reads: the control log, the derived topics, and the ids of those topics (Kafka
 * gives a topic deleted and created again a new id, so a snapshot is only reused with the topics
 * it was made from). {@link KafkaAuditSource} reads a cluster; tests use records from anywhere.
 */
public interface AuditSource extends AutoCloseable {
  ControlLog control();

  DerivedLogs derived();

  /** Topic name → id, for the control log and the derived topics. */
  Map<String, String> topicIds();

  @Override
  void close();
}
