package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes Shoal's spec as the engine's {@code ServiceSpec} and {@code TaskSpec}, in the engine's
 * field order, the inverse of {@link SwarmSpecReader}: what a client reads here and sends back
 * unchanged (as {@code docker service update} and {@code scale} do) means the same spec.
 * Shoal's {@code command} and {@code args} are one argv, shown as {@code Args}.
 */
final class SwarmSpecWriter {
  private SwarmSpecWriter() {}

  static ObjectNode serviceSpec(ServiceSpec s) {
    ObjectNode out = DockerJson.object();
    out.put("Name", s.name());
    out.set("Labels", DockerJson.map(s.labels()));
    out.set("TaskTemplate", taskSpec(s));
    ObjectNode mode = out.putObject("Mode");
    if (s.isGlobal()) {
      mode.putObject("Global");
    } else {
      mode.putObject("Replicated").put("Replicas", s.replicas() == null ? 1 : s.replicas());
    }
    if (s.updateConfig() != null) {
      out.set("UpdateConfig", updateConfig(s.updateConfig()));
    }
    if (s.rollbackConfig() != null) {
      out.set("RollbackConfig", updateConfig(s.rollbackConfig()));
    }
    out.set("EndpointSpec", endpointSpec(s));
    return out;
  }

  /** The part of the spec a task runs (a task's {@code Spec}, a service's {@code TaskTemplate}). */
  static ObjectNode taskSpec(ServiceSpec s) {
    ObjectNode out = DockerJson.object();
    out.set("ContainerSpec", containerSpec(s));
    ObjectNode resources = out.putObject("Resources");
    resources.set("Limits", amount(s.resources() == null ? null : s.resources().limits()));
    resources.set("Reservations", amount(s.resources() == null ? null : s.resources().reservations()));
    if (s.restartPolicy() != null) {
      out.set("RestartPolicy", restartPolicy(s.restartPolicy()));
    }
    out.set("Placement", placement(s.placement()));
    out.put("ForceUpdate", s.forceUpdate() == null ? 0 : s.forceUpdate());
    out.put("Runtime", "container");
    return out;
  }

  private static ObjectNode containerSpec(ServiceSpec s) {
    ObjectNode c = DockerJson.object();
    c.put("Image", s.image() == null ? "" : s.image());
    List<String> argv = new ArrayList<>();
    if (s.command() != null) {
      argv.addAll(s.command());
    }
    if (s.args() != null) {
      argv.addAll(s.args());
    }
    if (!argv.isEmpty()) {
      ArrayNode a = c.putArray("Args");
      argv.forEach(a::add);
    }
    if (s.env() != null && !s.env().isEmpty()) {
      ArrayNode env = c.putArray("Env");
      new TreeMap<>(s.env()).forEach((k, v) -> env.add(k + "=" + v));
    }
    putText(c, "Dir", s.workdir());
    putText(c, "User", s.user());
    c.put("Init", false);
    putText(c, "StopSignal", s.stopSignal());
    if (Boolean.TRUE.equals(s.readOnly())) {
      c.put("ReadOnly", true);
    }
    if (s.mounts() != null && !s.mounts().isEmpty()) {
      ArrayNode mounts = c.putArray("Mounts");
      for (ServiceSpec.Mount m : s.mounts()) {
        ObjectNode mount = mounts.addObject();
        mount.put("Type", m.type());
        putText(mount, "Source", m.source());
        mount.put("Target", m.target());
        if (Boolean.TRUE.equals(m.readOnly())) {
          mount.put("ReadOnly", true);
        }
      }
    }
    if (s.stopGracePeriod() != null) {
      c.put("StopGracePeriod", EngineDurations.nanos(s.stopGracePeriod()));
    }
    if (s.healthcheck() != null) {
      c.set("Healthcheck", healthcheck(s.healthcheck()));
    }
    c.putObject("DNSConfig");
    c.put("Isolation", "default");
    return c;
  }

  private static ObjectNode healthcheck(ServiceSpec.HealthCheck h) {
    ObjectNode out = DockerJson.object();
    if (h.test() != null) {
      ArrayNode test = out.putArray("Test");
      h.test().forEach(test::add);
    }
    putNanos(out, "Interval", h.interval());
    putNanos(out, "Timeout", h.timeout());
    putNanos(out, "StartPeriod", h.startPeriod());
    if (h.retries() != null) {
      out.put("Retries", h.retries());
    }
    return out;
  }

  private static ObjectNode amount(ServiceSpec.ResourceAmount a) {
    ObjectNode out = DockerJson.object();
    if (a == null) {
      return out;
    }
    if (a.cpus() != null) {
      out.put("NanoCPUs", Math.round(a.cpus() * 1e9));
    }
    if (a.memory() != null) {
      out.put("MemoryBytes", Sizes.parseBytes(a.memory()));
    }
    return out;
  }

  private static ObjectNode restartPolicy(ServiceSpec.RestartPolicy p) {
    ObjectNode out = DockerJson.object();
    putText(out, "Condition", p.condition());
    putNanos(out, "Delay", p.delay());
    if (p.maxAttempts() != null) {
      out.put("MaxAttempts", p.maxAttempts());
    }
    if (p.window() != null && EngineDurations.nanos(p.window()) != 0) {
      out.put("Window", EngineDurations.nanos(p.window()));
    }
    return out;
  }

  private static ObjectNode placement(ServiceSpec.Placement p) {
    ObjectNode out = DockerJson.object();
    if (p == null) {
      return out;
    }
    if (p.constraints() != null && !p.constraints().isEmpty()) {
      ArrayNode c = out.putArray("Constraints");
      p.constraints().forEach(c::add);
    }
    if (p.preferences() != null && !p.preferences().isEmpty()) {
      ArrayNode prefs = out.putArray("Preferences");
      p.preferences().forEach(x -> prefs.addObject().putObject("Spread").put("SpreadDescriptor", x.spread()));
    }
    if (p.maxReplicasPerNode() != null && p.maxReplicasPerNode() != 0) {
      out.put("MaxReplicas", p.maxReplicasPerNode());
    }
    return out;
  }

  private static ObjectNode updateConfig(ServiceSpec.UpdateConfig u) {
    ObjectNode out = DockerJson.object();
    if (u.parallelism() != null) {
      out.put("Parallelism", u.parallelism());
    }
    if (u.delay() != null && EngineDurations.nanos(u.delay()) != 0) {
      out.put("Delay", EngineDurations.nanos(u.delay()));
    }
    putText(out, "FailureAction", u.failureAction());
    putNanos(out, "Monitor", u.monitor());
    double ratio = u.maxFailureRatio() == null ? 0 : u.maxFailureRatio();
    if (ratio == Math.rint(ratio)) {
      out.put("MaxFailureRatio", (long) ratio); // Go writes a whole float64 without a fraction
    } else {
      out.put("MaxFailureRatio", ratio);
    }
    putText(out, "Order", u.order());
    return out;
  }

  private static ObjectNode endpointSpec(ServiceSpec s) {
    ObjectNode out = DockerJson.object();
    out.put("Mode", "vip");
    if (s.ports() != null && !s.ports().isEmpty()) {
      out.set("Ports", ports(s.ports(), false));
    }
    return out;
  }

  /** Ports as the engine writes them; {@code publishedOnly} keeps those with a published port (a service's Endpoint). */
  static ArrayNode ports(List<ServiceSpec.PortConfig> ports, boolean publishedOnly) {
    ArrayNode out = DockerJson.array();
    for (ServiceSpec.PortConfig p : ports) {
      if (publishedOnly && (p.published() == null || p.published() == 0)) {
        continue;
      }
      ObjectNode port = out.addObject();
      port.put("Protocol", p.protocol() == null ? "tcp" : p.protocol());
      port.put("TargetPort", p.target());
      if (p.published() != null) {
        port.put("PublishedPort", p.published());
      }
      port.put("PublishMode", p.mode() == null ? ServiceSpec.PortConfig.MODE_INGRESS : p.mode());
    }
    return out;
  }

  private static void putText(ObjectNode out, String field, String value) {
    if (value != null && !value.isEmpty()) {
      out.put(field, value);
    }
  }

  private static void putNanos(ObjectNode out, String field, String duration) {
    if (duration != null) {
      out.put(field, EngineDurations.nanos(duration));
    }
  }
}
