package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import java.util.Optional;

/** Decides whether an unknown node may join, and with which role. */
public interface JoinPolicy {

  /**
   * The role the node joins with, or empty when it is refused. {@code publicKey} is the node's
   * signing key, which the proof must be bound to ({@link JoinTokens#proof}).
   */
  Optional<String> admit(String nodeId, String publicKey, String joinProof, ClusterInfo info);

  /**
   * Without a cluster secret there are no tokens: every node joins as a worker ({@code shoal
   * orchestrator --insecure-open-join}, development only). Nodes still sign what they send: the
   * first key a node id joins with is the one it keeps.
   */
  JoinPolicy OPEN = (nodeId, key, proof, info) -> Optional.of(JoinTokens.WORKER);

  /** Admits nodes whose proof was made with a current join token of this cluster, for their id and key. */
  static JoinPolicy tokens(byte[] clusterSecret) {
    byte[] secret = clusterSecret.clone();
    return (nodeId, key, proof, info) -> JoinTokens.roleFor(secret, info, nodeId, key, proof);
  }
}
