package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A node agent's periodic sign of life: value of {@code shoal.heartbeats}, key = node id.
 * {@code joinProof} ({@link JoinTokens#proof}) admits a node the cluster does not know yet.
 *
 * <p>Every heartbeat is signed by its node ({@link NodeSignatures}): {@code publicKey} is the node's
 * key (recorded on the {@link Node} when it joins), {@code boot} counts the agent's starts and
 * {@code sequence} its heartbeats since the last one, so {@code (boot, sequence)} only grows and a
 * copied heartbeat is refused; {@code timestamp} is the agent's send time, which liveness bounds
 * against the broker's append time. {@code signature} covers every other field.
 *
 * <p>{@code runningTaskIds} is deprecated and ignored: agents no longer send it (null, left out of the
 * JSON). Nothing ever read it (task statuses say what runs) and it made a heartbeat grow with the
 * node's tasks (~3 KB at 100). A heartbeat that still carries it is accepted as before (its signature
 * covers it, and {@link HeartbeatValidator} still bounds its length) and the list is ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeHeartbeat(
    String nodeId,
    long sequence,
    NodeDescription description,
    List<String> runningTaskIds,
    long timestamp,
    String joinProof,
    Long boot,
    String publicKey,
    String signature) {

  public NodeHeartbeat(String nodeId, long sequence, NodeDescription description, List<String> runningTaskIds,
                       long timestamp, String joinProof) {
    this(nodeId, sequence, description, runningTaskIds, timestamp, joinProof, null, null, null);
  }

  public NodeHeartbeat(String nodeId, long sequence, NodeDescription description, List<String> runningTaskIds,
                       long timestamp) {
    this(nodeId, sequence, description, runningTaskIds, timestamp, null);
  }

  /** This heartbeat with {@code signature} (null: the unsigned form that is signed). */
  public NodeHeartbeat withSignature(String signature) {
    return new NodeHeartbeat(nodeId, sequence, description, runningTaskIds, timestamp, joinProof, boot, publicKey,
        signature);
  }
}
