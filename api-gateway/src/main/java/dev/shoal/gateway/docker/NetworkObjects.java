package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Networks as the engine shows them ({@code Id}, not {@code ID}, on networks). Shoal has two kinds:
 * {@code ingress}, which stands for the gateway's routing of published ports to tasks, and the
 * default networks of stacks ({@link StackNetworks}).
 */
final class NetworkObjects {
  static final String INGRESS = "ingress";

  private NetworkObjects() {}

  static String ingressId(ControlPlane cp) {
    return EngineIds.of("ingress", cp.clusterId());
  }

  static ObjectNode ingress(ControlPlane cp) {
    return network(INGRESS, ingressId(cp), cp.startedAt(), true, null);
  }

  static ObjectNode stackDefault(String name, long createdAt, Map<String, String> labels) {
    return network(name, StackNetworks.idOf(name), createdAt, false, labels);
  }

  private static ObjectNode network(String name, String id, long createdAt, boolean ingress, Map<String, String> labels) {
    ObjectNode out = DockerJson.object();
    out.put("Name", name);
    out.put("Id", id);
    out.put("Created", DockerJson.time(createdAt));
    out.put("Scope", "swarm");
    out.put("Driver", "overlay");
    out.put("EnableIPv6", false);
    ObjectNode ipam = out.putObject("IPAM");
    ipam.put("Driver", "default");
    ipam.putNull("Options");
    ipam.putArray("Config");
    out.put("Internal", false);
    out.put("Attachable", false);
    out.put("Ingress", ingress);
    out.putObject("ConfigFrom").put("Network", "");
    out.put("ConfigOnly", false);
    out.putNull("Containers");
    out.putNull("Options");
    if (labels == null) {
      out.putNull("Labels");
    } else {
      out.set("Labels", DockerJson.map(labels));
    }
    return out;
  }
}
