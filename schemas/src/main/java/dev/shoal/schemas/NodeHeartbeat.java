package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A node agent's periodic sign of life: value of {@code shoal.heartbeats}, key = node id.
 * {@code sequence} restarts at 0 when the agent restarts, which liveness reads as a rejoin.
 * {@code joinProof} ({@link JoinTokens#proof}) admits a node the cluster does not know yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeHeartbeat(
    String nodeId,
    long sequence,
    NodeDescription description,
    List<String> runningTaskIds,
    long timestamp,
    String joinProof) {

  public NodeHeartbeat(String nodeId, long sequence, NodeDescription description, List<String> runningTaskIds,
                       long timestamp) {
    this(nodeId, sequence, description, runningTaskIds, timestamp, null);
  }
}
