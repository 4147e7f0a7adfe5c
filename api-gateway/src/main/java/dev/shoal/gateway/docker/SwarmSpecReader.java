package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the engine's {@code ServiceSpec} (as {@code POST /services/create} and
 * {@code POST /services/{id}/update} carry it) into Shoal's spec JSON, which the caller then
 * validates with the same {@code SpecValidator} as {@code /v1}: this class only translates
 * shapes and units (nanoseconds to {@code "5s"}, NanoCPUs to cores, bytes to sizes) and never
 * judges a value. A field Shoal cannot honour makes the whole request a 400
 * {@code not supported: <field>}.
 *
 * <p>How fields map: {@code ContainerSpec.Args} is the argv after the image's entrypoint (Shoal's
 * {@code args}; for an image-less process service, its {@code command}); {@code Command} would
 * replace the entrypoint, which Shoal does not do. {@code ContainerSpec.Labels} are accepted when
 * the service labels carry them too, since Shoal puts a service's labels on its containers.
 */
final class SwarmSpecReader {
  /** The spec in Shoal's JSON shape, and what the client should be told about it. */
  record Result(ObjectNode spec, List<String> warnings) {}

  private SwarmSpecReader() {}

  static Result read(ObjectNode body) {
    SpecFields.Problems problems = new SpecFields.Problems();
    List<String> warnings = new ArrayList<>();
    SpecFields top = new SpecFields(body, "", problems);
    ObjectNode out = DockerJson.object();

    String name = top.text("Name");
    if (name != null) {
      out.put("name", name);
    }
    Map<String, String> labels = top.stringMap("Labels");
    if (labels != null) {
      out.set("labels", DockerJson.map(labels));
    }
    SpecFields template = top.object("TaskTemplate");
    if (template != null) {
      taskTemplate(template, labels, name, out, warnings);
    } else {
      problems.invalid.add("TaskTemplate is required");
    }
    mode(top.object("Mode"), out);
    updateConfig(top.object("UpdateConfig"), "updateConfig", out);
    updateConfig(top.object("RollbackConfig"), "rollbackConfig", out);
    networks(top.objects("Networks"), labels, name, warnings);
    endpoint(top.object("EndpointSpec"), out);
    top.finish();
    if (problems.any()) {
      throw ApiException.badRequest(problems.message());
    }
    return new Result(out, List.copyOf(warnings));
  }

  private static void taskTemplate(SpecFields t, Map<String, String> serviceLabels, String name, ObjectNode out,
                                   List<String> warnings) {
    SpecFields c = t.object("ContainerSpec");
    if (c != null) {
      containerSpec(c, serviceLabels, out);
    } else {
      t.problems().invalid.add(t.path("ContainerSpec") + " is required (Shoal runs containers)");
    }
    resources(t.object("Resources"), out);
    restartPolicy(t.object("RestartPolicy"), out);
    placement(t.object("Placement"), out);
    networks(t.objects("Networks"), serviceLabels, name, warnings);
    Long force = t.number("ForceUpdate");
    if (force != null && force != 0) {
      out.put("forceUpdate", force);
    }
    t.allow("Runtime", "container");
    t.refuse("LogDriver", "task logs stay on the node's engine");
    t.refuse("PluginSpec", null);
    t.refuse("NetworkAttachmentSpec", null);
    t.finish();
  }

  private static void containerSpec(SpecFields c, Map<String, String> serviceLabels, ObjectNode out) {
    String image = c.text("Image");
    if (image != null) {
      out.put("image", image);
    }
    List<String> args = c.strings("Args");
    if (args != null) {
      // Without an image the task is a plain process: its argv is Shoal's command.
      out.set(image == null ? "command" : "args", strings(args));
    }
    c.refuse("Command", "Shoal keeps the image's entrypoint; put the command in the arguments");
    Map<String, String> containerLabels = c.stringMap("Labels");
    if (containerLabels != null) {
      for (Map.Entry<String, String> e : containerLabels.entrySet()) {
        if (serviceLabels == null || !e.getValue().equals(serviceLabels.get(e.getKey()))) {
          c.problems().unsupported.add(c.path("Labels") + "." + e.getKey()
              + " (Shoal labels containers with the service's labels; set it as a service label)");
        }
      }
    }
    List<String> env = c.strings("Env");
    if (env != null) {
      Map<String, String> vars = new LinkedHashMap<>();
      for (String kv : env) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          c.problems().unsupported.add(c.path("Env") + " entry \"" + kv + "\" without a value");
        } else {
          vars.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      out.set("env", DockerJson.map(vars));
    }
    putText(out, "workdir", c.text("Dir"));
    putText(out, "user", c.text("User"));
    if (c.flag("ReadOnly")) {
      out.put("readOnly", true);
    }
    mounts(c.objects("Mounts"), out);
    putText(out, "stopSignal", c.text("StopSignal"));
    putDuration(out, "stopGracePeriod", c.number("StopGracePeriod"), false);
    healthcheck(c.object("Healthcheck"), out);
    c.allow("Isolation", "default");
    c.allow("Init");
    c.allow("DNSConfig");
    c.allow("Privileges");
    c.refuse("TTY", "tasks have no terminal");
    c.refuse("OpenStdin", "tasks have no stdin");
    c.finish();
  }

  private static void mounts(List<SpecFields> mounts, ObjectNode out) {
    if (mounts.isEmpty()) {
      return;
    }
    ArrayNode list = out.putArray("mounts");
    for (SpecFields m : mounts) {
      ObjectNode mount = list.addObject();
      String type = m.text("Type");
      mount.put("type", type == null ? "volume" : type.toLowerCase(Locale.ROOT));
      putText(mount, "source", m.text("Source"));
      putText(mount, "target", m.text("Target"));
      if (m.flag("ReadOnly")) {
        mount.put("readOnly", true);
      }
      m.allow("Consistency", "default");
      m.allow("BindOptions");
      m.allow("VolumeOptions");
      m.finish();
    }
  }

  private static void healthcheck(SpecFields h, ObjectNode out) {
    if (h == null) {
      return;
    }
    ObjectNode check = DockerJson.object();
    List<String> test = h.strings("Test");
    if (test != null) {
      check.set("test", strings(test));
    }
    putDuration(check, "interval", h.number("Interval"), true);
    putDuration(check, "timeout", h.number("Timeout"), true);
    putDuration(check, "startPeriod", h.number("StartPeriod"), true);
    Long retries = h.number("Retries");
    if (retries != null && retries != 0) {
      check.put("retries", retries);
    }
    h.finish();
    if (!check.isEmpty()) {
      out.set("healthcheck", check);
    }
  }

  private static void resources(SpecFields r, ObjectNode out) {
    if (r == null) {
      return;
    }
    ObjectNode res = DockerJson.object();
    amount(r.object("Reservations"), "reservations", res);
    amount(r.object("Limits"), "limits", res);
    r.finish();
    if (!res.isEmpty()) {
      out.set("resources", res);
    }
  }

  private static void amount(SpecFields a, String field, ObjectNode out) {
    if (a == null) {
      return;
    }
    ObjectNode amount = DockerJson.object();
    Long cpus = a.number("NanoCPUs");
    if (cpus != null && cpus != 0) {
      amount.put("cpus", cpus / 1e9);
    }
    Long memory = a.number("MemoryBytes");
    if (memory != null && memory != 0) {
      amount.put("memory", EngineSizes.format(memory));
    }
    a.refuse("Pids", null);
    a.refuse("GenericResources", null);
    a.finish();
    if (!amount.isEmpty()) {
      out.set(field, amount);
    }
  }

  private static void restartPolicy(SpecFields p, ObjectNode out) {
    if (p == null) {
      return;
    }
    ObjectNode policy = DockerJson.object();
    putText(policy, "condition", p.text("Condition"));
    putDuration(policy, "delay", p.number("Delay"), false);
    Long attempts = p.number("MaxAttempts");
    if (attempts != null) {
      policy.put("maxAttempts", attempts);
    }
    putDuration(policy, "window", p.number("Window"), false);
    p.finish();
    if (!policy.isEmpty()) {
      out.set("restartPolicy", policy);
    }
  }

  private static void placement(SpecFields p, ObjectNode out) {
    if (p == null) {
      return;
    }
    ObjectNode placement = DockerJson.object();
    List<String> constraints = p.strings("Constraints");
    if (constraints != null) {
      placement.set("constraints", strings(constraints));
    }
    List<SpecFields> prefs = p.objects("Preferences");
    if (!prefs.isEmpty()) {
      ArrayNode list = placement.putArray("preferences");
      for (SpecFields pref : prefs) {
        SpecFields spread = pref.object("Spread");
        String descriptor = spread == null ? null : spread.text("SpreadDescriptor");
        if (spread != null) {
          spread.finish();
        }
        pref.finish();
        if (descriptor != null) {
          list.addObject().put("spread", descriptor);
        }
      }
    }
    Long max = p.number("MaxReplicas");
    if (max != null && max != 0) {
      placement.put("maxReplicasPerNode", max);
    }
    p.refuse("Platforms", "Shoal does not pin a platform; constrain on node.platform.* instead");
    p.finish();
    if (!placement.isEmpty()) {
      out.set("placement", placement);
    }
  }

  private static void mode(SpecFields m, ObjectNode out) {
    if (m == null) {
      out.put("mode", "replicated");
      return;
    }
    SpecFields replicated = m.object("Replicated");
    SpecFields global = m.object("Global");
    m.refusePresent("ReplicatedJob", "Shoal runs services, not jobs");
    m.refusePresent("GlobalJob", "Shoal runs services, not jobs");
    // docker-java also writes its own summary of the mode ("mode": "REPLICATED"); dockerd ignores it.
    String echoed = m.text("mode");
    m.finish();
    if (echoed != null && !echoed.equalsIgnoreCase(global != null ? "global" : "replicated")) {
      m.problems().invalid.add("Mode.mode " + echoed + " contradicts the mode given");
    }
    if (replicated != null && global != null) {
      m.problems().invalid.add("Mode must be either Replicated or Global, not both");
    } else if (global != null) {
      out.put("mode", "global");
      global.finish();
    } else {
      out.put("mode", "replicated");
      if (replicated != null) {
        Long replicas = replicated.number("Replicas");
        if (replicas != null) {
          out.put("replicas", replicas);
        }
        replicated.finish();
      }
    }
  }

  private static void updateConfig(SpecFields u, String field, ObjectNode out) {
    if (u == null) {
      return;
    }
    ObjectNode config = DockerJson.object();
    Long parallelism = u.number("Parallelism");
    if (parallelism != null) {
      config.put("parallelism", parallelism);
    }
    putDuration(config, "delay", u.number("Delay"), false);
    putText(config, "failureAction", u.text("FailureAction"));
    putDuration(config, "monitor", u.number("Monitor"), false);
    Double ratio = u.decimal("MaxFailureRatio");
    if (ratio != null) {
      config.put("maxFailureRatio", ratio);
    }
    putText(config, "order", u.text("Order"));
    u.finish();
    if (!config.isEmpty()) {
      out.set(field, config);
    }
  }

  private static void endpoint(SpecFields e, ObjectNode out) {
    if (e == null) {
      return;
    }
    e.allow("Mode", "vip");
    List<SpecFields> ports = e.objects("Ports");
    if (!ports.isEmpty()) {
      ArrayNode list = out.putArray("ports");
      for (SpecFields p : ports) {
        ObjectNode port = list.addObject();
        Long target = p.number("TargetPort");
        if (target != null) {
          port.put("target", target);
        }
        Long published = p.number("PublishedPort");
        if (published != null && published != 0) {
          port.put("published", published);
        }
        String protocol = p.text("Protocol");
        port.put("protocol", protocol == null ? "tcp" : protocol);
        String mode = p.text("PublishMode");
        port.put("mode", mode == null ? "ingress" : mode);
        p.refuse("Name", null);
        p.finish();
      }
    }
    e.finish();
  }

  /**
   * Network attachments: only the stack's own default network (see {@link StackNetworks}); each
   * one accepted adds a warning, since the service gets no overlay network and no DNS alias.
   */
  private static void networks(List<SpecFields> attachments, Map<String, String> labels, String name,
                               List<String> warnings) {
    Optional<String> stack = StackNetworks.stackOf(labels);
    for (SpecFields a : attachments) {
      String target = a.text("Target");
      a.strings("Aliases");
      a.refuse("DriverOpts", null);
      a.finish();
      if (target == null) {
        continue;
      }
      if (stack.isPresent() && StackNetworks.isDefaultNetworkOf(target, stack.get())) {
        warnings.add("network " + StackNetworks.defaultNetworkOf(stack.get()) + ": Shoal has no overlay networks; "
            + (name == null ? "the service" : name) + " is reached through its published ports, not by its name");
      } else {
        a.problems().unsupported.add(a.path("Target") + " " + target
            + " (Shoal has no overlay networks; only a stack's default network is accepted)");
      }
    }
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = DockerJson.array();
    values.forEach(a::add);
    return a;
  }

  private static void putText(ObjectNode out, String field, String value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  /** A duration in nanoseconds as Shoal's string; with {@code zeroIsUnset}, 0 means "the default". */
  private static void putDuration(ObjectNode out, String field, Long nanos, boolean zeroIsUnset) {
    if (nanos == null || (zeroIsUnset && nanos == 0)) {
      return;
    }
    if (nanos < 0) {
      out.put(field, String.valueOf(nanos)); // no unit: the validator refuses it and names the field
      return;
    }
    out.put(field, EngineDurations.format(nanos));
  }
}
