package dev.shoal.orchestrator.audit;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Join verdicts taken from the record, for a replay without the cluster secret: a node joins (with
 * the role recorded) when {@code shoal.nodes} holds a record of it from the deciding decision, and
 * is refused otherwise. The rest of each decision is re-derived; only the check of the join token
 * is not, which the audit says. Compaction may have removed a join's record (once the node changed
 * again): such a join replays as refused and shows as divergences. Give the secret for a proof.
 */
final class RecordedJoins implements JoinPolicy {
  private final DerivedLogs logs;
  private final String topic;
  private final Map<Integer, DerivedLogs.PartitionLog> readers = new HashMap<>();
  private long sequence;
  private long taken;
  private long notFound;

  RecordedJoins(DerivedLogs logs, String nodesTopic) {
    this.logs = logs;
    this.topic = nodesTopic;
  }

  /** The next decision to be replayed. */
  void at(long sequence) {
    this.sequence = sequence;
  }

  /** How many join verdicts were taken from the record. */
  long taken() {
    return taken;
  }

  /** How many of them found no record (replayed as refused). */
  long notFound() {
    return notFound;
  }

  @Override
  public Optional<String> admit(String nodeId, String publicKey, String joinProof, ClusterInfo info) {
    taken++;
    int p = logs.partitionFor(topic, nodeId, logs.partitions(topic));
    DerivedLogs.PartitionLog log = readers.computeIfAbsent(p, k -> logs.open(topic, k, -1));
    for (LogRecord r = log.peek(); r != null && (r.sequence() == null || r.sequence() < sequence); r = log.peek()) {
      log.consume();
    }
    for (LogRecord r : log.upcoming(sequence)) {
      if (r.sequence() != null && r.sequence() == sequence && nodeId.equals(r.key()) && r.value() != null) {
        try {
          return Optional.of(Json.fromBytes(r.value(), Node.class).role());
        } catch (RuntimeException e) {
          break;
        }
      }
    }
    notFound++;
    return Optional.empty();
  }
}
