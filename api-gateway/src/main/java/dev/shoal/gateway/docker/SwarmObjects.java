package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.ClusterInfo;
import java.util.Iterator;
import java.util.Map;

/**
 * The swarm object ({@code GET /swarm}, and the cluster part of {@code GET /info}). Its
 * {@code Version.Index} grows with every join-token rotation (the only change Shoal takes through
 * {@code POST /swarm/update}); its {@code Spec} holds no settings, since Shoal's are command-line
 * options of its components, and a client that sends back a different spec is refused.
 */
final class SwarmObjects {
  private SwarmObjects() {}

  static long versionOf(ClusterInfo info) {
    return info.workerTokenGeneration() + info.managerTokenGeneration();
  }

  static ObjectNode spec() {
    ObjectNode spec = DockerJson.object();
    spec.put("Name", "default");
    spec.putObject("Labels");
    spec.putObject("Orchestration");
    spec.putObject("Raft");
    spec.putObject("Dispatcher");
    spec.putObject("CAConfig");
    spec.putObject("TaskDefaults");
    spec.putObject("EncryptionConfig").put("AutoLockManagers", false);
    return spec;
  }

  /** The cluster without join tokens (as {@code /info} shows it). */
  static ObjectNode cluster(ControlPlane cp, ClusterInfo info) {
    ObjectNode out = DockerJson.object();
    out.put("ID", cp.clusterId());
    out.set("Version", DockerJson.version(versionOf(info)));
    out.put("CreatedAt", DockerJson.time(cp.startedAt()));
    out.put("UpdatedAt", DockerJson.time(Math.max(cp.startedAt(), info.updatedAt())));
    out.set("Spec", spec());
    out.putObject("TLSInfo");
    out.put("RootRotationInProgress", false);
    out.putNull("DefaultAddrPool");
    out.put("SubnetSize", 0);
    out.put("DataPathPort", 0);
    return out;
  }

  static ObjectNode swarm(ControlPlane cp, ClusterInfo info, String workerToken, String managerToken) {
    ObjectNode out = cluster(cp, info);
    ObjectNode tokens = out.putObject("JoinTokens");
    tokens.put("Worker", workerToken);
    tokens.put("Manager", managerToken);
    return out;
  }

  /** Whether two JSON values are equal when a missing field and a zero value count as the same. */
  static boolean sameIgnoringZeros(JsonNode a, JsonNode b) {
    boolean za = SpecFields.isZero(a);
    boolean zb = SpecFields.isZero(b);
    if (za || zb) {
      return za && zb;
    }
    if (a.isObject() && b.isObject()) {
      return covers(a, b) && covers(b, a);
    }
    if (a.isNumber() && b.isNumber()) {
      return a.asDouble() == b.asDouble();
    }
    return a.equals(b);
  }

  private static boolean covers(JsonNode a, JsonNode b) {
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!sameIgnoringZeros(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
