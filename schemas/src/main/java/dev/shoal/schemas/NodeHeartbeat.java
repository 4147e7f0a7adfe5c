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
 * <p><b>Hash chain</b> ({@link HashChain}): an <i>anchor</i> is a signed heartbeat that also carries
 * {@code chainTop} (c_N), {@code chainLength} (N) and {@code chainIntervalMs} (the agent's beat
 * interval), all covered by its signature. Each later <i>chained</i> heartbeat of the same boot carries
 * {@code chainElement} c_i and {@code chainIndex} i (N-1, N-2, …: the j-th beat after the anchor reveals
 * c_{N-j}) and no signature, key, join proof or description: liveness checks it by hashing, and its
 * sequence must be the anchor's plus j, its due time is the anchor's {@code timestamp} plus j intervals.
 * A heartbeat with none of these fields is signed as before chains existed, and still accepted.
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
    String chainTop,
    Integer chainLength,
    Long chainIntervalMs,
    String chainElement,
    Integer chainIndex,
    String signature) {

  /** A heartbeat without a hash chain: signed alone, as before chains existed. */
  public NodeHeartbeat(String nodeId, long sequence, NodeDescription description, List<String> runningTaskIds,
                       long timestamp, String joinProof, Long boot, String publicKey, String signature) {
    this(nodeId, sequence, description, runningTaskIds, timestamp, joinProof, boot, publicKey, null, null, null, null,
        null, signature);
  }

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
        chainTop, chainLength, chainIntervalMs, chainElement, chainIndex, signature);
  }

  /** This heartbeat as the anchor of a chain whose top is {@code top} (unsigned: sign it after). */
  public NodeHeartbeat anchoring(String top, int length, long intervalMs) {
    return new NodeHeartbeat(nodeId, sequence, description, runningTaskIds, timestamp, joinProof, boot, publicKey,
        top, length, intervalMs, null, null, null);
  }

  /** A chained heartbeat: {@code element} = c_{@code index} of the chain anchored earlier in {@code boot}. */
  public static NodeHeartbeat chainedBeat(String nodeId, long boot, long sequence, long timestamp, String element,
                                      int index) {
    return new NodeHeartbeat(nodeId, sequence, null, null, timestamp, null, boot, null, null, null, null, element,
        index, null);
  }

  /** Whether this heartbeat proves itself by a chain element rather than a signature. */
  public boolean chained() {
    return chainElement != null;
  }
}
