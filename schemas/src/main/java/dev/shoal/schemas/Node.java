package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A node of the cluster as the orchestrator keeps it: value of {@code shoal.nodes}, key = node id.
 * {@code labels} are the user's node labels (constraints match {@code node.labels.*});
 * {@code description} is what the agent reports. {@code version} grows with every change.
 * {@code publicKey} is the node's signing key ({@link NodeSignatures}), bound to its join proof when
 * it joined: every heartbeat and task status of the node must verify with it. It is public data.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Node(
    String id,
    long version,
    String role,
    String availability,
    Map<String, String> labels,
    NodeDescription description,
    String status,
    String statusMessage,
    long createdAt,
    long updatedAt,
    String publicKey) {

  public Node(String id, long version, String role, String availability, Map<String, String> labels,
              NodeDescription description, String status, String statusMessage, long createdAt, long updatedAt) {
    this(id, version, role, availability, labels, description, status, statusMessage, createdAt, updatedAt, null);
  }

  public static final String ROLE_WORKER = "worker";
  public static final String ROLE_MANAGER = "manager";
  public static final String ACTIVE = "active";
  public static final String PAUSE = "pause";
  public static final String DRAIN = "drain";
  public static final String READY = "ready";
  public static final String DOWN = "down";

  public String hostname() {
    return description == null ? id : description.hostname();
  }

  public boolean isReady() {
    return READY.equals(status);
  }

  public Node with(String role, String availability, Map<String, String> labels, NodeDescription d,
                   String status, String statusMessage, long time) {
    return new Node(id, version + 1, role, availability, labels, d, status, statusMessage, createdAt, time, publicKey);
  }

  /** This node (same version: callers change it together with {@link #with}) signing with {@code key}. */
  public Node withPublicKey(String key) {
    return new Node(id, version, role, availability, labels, description, status, statusMessage, createdAt, updatedAt,
        key);
  }
}
