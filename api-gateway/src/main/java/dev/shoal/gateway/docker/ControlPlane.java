package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Node;

/**
 * Shoal's control plane (Kafka, the orchestrator and the gateways) as the engine API shows a
 * swarm's manager: one node that is always the leader, never runs tasks (availability
 * {@code drain}), and is ready while the gateway reads the cluster's current state. It is the node
 * {@code docker info} calls "this node" ({@code Swarm.NodeID}): {@code docker node ls} stars it,
 * and {@code docker swarm join-token} reads its {@code ManagerStatus.Addr} (the address the client
 * used to reach the gateway). Its id is derived from the cluster's, so every gateway shows the same.
 * It cannot be updated or removed: it is not an agent.
 */
final class ControlPlane {
  static final String HOSTNAME = "shoal-control-plane";

  private final String clusterId;
  private final String nodeId;
  private final long startedAt;

  ControlPlane(String clusterId, long startedAt) {
    this.clusterId = clusterId;
    this.nodeId = EngineIds.of("control-plane", clusterId);
    this.startedAt = startedAt;
  }

  /** A cluster id derived from what identifies the cluster to a gateway: its topics and its secret. */
  static String clusterIdOf(String topicPrefix, byte[] clusterSecret) {
    String secretDigest = clusterSecret == null ? "" : EngineIds.of(new String(java.util.Base64.getEncoder()
        .encode(clusterSecret), java.nio.charset.StandardCharsets.US_ASCII));
    return EngineIds.of("cluster", topicPrefix == null ? "" : topicPrefix, secretDigest);
  }

  String clusterId() {
    return clusterId;
  }

  String nodeId() {
    return nodeId;
  }

  long startedAt() {
    return startedAt;
  }

  boolean is(String idOrHostname) {
    return nodeId.equals(idOrHostname) || HOSTNAME.equals(idOrHostname);
  }

  /**
   * The node object; {@code addr} is host:port of the gateway as the client reached it, {@code ready}
   * whether the gateway's view of the cluster is current ({@code problem} says why not).
   */
  ObjectNode node(boolean ready, String problem, String addr) {
    ObjectNode out = DockerJson.object();
    out.put("ID", nodeId);
    out.set("Version", DockerJson.version(1));
    out.put("CreatedAt", DockerJson.time(startedAt));
    out.put("UpdatedAt", DockerJson.time(startedAt));
    ObjectNode spec = out.putObject("Spec");
    spec.putObject("Labels");
    spec.put("Role", Node.ROLE_MANAGER);
    spec.put("Availability", Node.DRAIN);
    ObjectNode description = out.putObject("Description");
    description.put("Hostname", HOSTNAME);
    ObjectNode platform = description.putObject("Platform");
    platform.put("Architecture", System.getProperty("os.arch", ""));
    platform.put("OS", "linux");
    description.putObject("Resources");
    description.putObject("Engine").put("EngineVersion", "shoal-" + ShoalVersion.current());
    ObjectNode status = out.putObject("Status");
    status.put("State", ready ? Node.READY : Node.DOWN);
    if (!ready && problem != null) {
      status.put("Message", problem);
    }
    status.put("Addr", SystemObjects.host(addr));
    ObjectNode manager = out.putObject("ManagerStatus");
    manager.put("Leader", true);
    manager.put("Reachability", ready ? "reachable" : "unreachable");
    manager.put("Addr", addr);
    return out;
  }
}
