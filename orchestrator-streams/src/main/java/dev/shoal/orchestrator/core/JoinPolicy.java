package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import java.util.Optional;

/** Decides whether an unknown node may join, and with which role. */
public interface JoinPolicy {

  /** The role the node joins with, or empty when it is refused. */
  Optional<String> admit(String nodeId, String joinProof, ClusterInfo info);

  /** Without a cluster secret there are no tokens: every node joins as a worker (development only). */
  JoinPolicy OPEN = (nodeId, proof, info) -> Optional.of(JoinTokens.WORKER);

  /** Admits nodes whose proof was made with a current join token of this cluster. */
  static JoinPolicy tokens(byte[] clusterSecret) {
    byte[] secret = clusterSecret.clone();
    return (nodeId, proof, info) -> JoinTokens.roleFor(secret, info, nodeId, proof);
  }
}
