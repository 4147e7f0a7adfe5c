package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeDescription;

/**
 * A node agent as the engine shows a swarm node. {@code docker node ls} reads
 * {@code Description.Hostname}, {@code Status.State}, {@code Spec.Availability},
 * {@code ManagerStatus} and {@code Description.Engine.EngineVersion}. Agents carry
 * {@code Spec.Role} (a {@code manager} role is what {@code node.role==manager} constraints match)
 * but never {@code ManagerStatus}: no agent takes part in deciding, the control plane does
 * ({@link ControlPlane}).
 */
final class NodeObjects {
  private NodeObjects() {}

  static ObjectNode of(Node n) {
    ObjectNode out = DockerJson.object();
    out.put("ID", n.id());
    out.set("Version", DockerJson.version(n.version()));
    out.put("CreatedAt", DockerJson.time(n.createdAt()));
    out.put("UpdatedAt", DockerJson.time(n.updatedAt()));
    ObjectNode spec = out.putObject("Spec");
    spec.set("Labels", DockerJson.map(n.labels()));
    spec.put("Role", n.role() == null ? Node.ROLE_WORKER : n.role());
    spec.put("Availability", n.availability() == null ? Node.ACTIVE : n.availability());
    NodeDescription d = n.description();
    ObjectNode description = out.putObject("Description");
    description.put("Hostname", n.hostname());
    ObjectNode platform = description.putObject("Platform");
    platform.put("Architecture", d == null || d.architecture() == null ? "" : d.architecture());
    platform.put("OS", d == null || d.os() == null ? "" : d.os());
    ObjectNode resources = description.putObject("Resources");
    if (d != null && d.resources() != null) {
      resources.put("NanoCPUs", Math.round(d.resources().cpus() * 1e9));
      resources.put("MemoryBytes", d.resources().memoryBytes());
    }
    ObjectNode engine = description.putObject("Engine");
    engine.put("EngineVersion", d == null || d.engineVersion() == null ? "" : d.engineVersion());
    if (d != null && d.engineLabels() != null && !d.engineLabels().isEmpty()) {
      engine.set("Labels", DockerJson.map(d.engineLabels()));
    }
    ObjectNode status = out.putObject("Status");
    status.put("State", n.status() == null ? "unknown" : n.status());
    if (n.statusMessage() != null && !n.statusMessage().isEmpty()) {
      status.put("Message", n.statusMessage());
    }
    status.put("Addr", d == null || d.address() == null ? "" : d.address());
    return out;
  }
}
