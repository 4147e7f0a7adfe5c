package dev.shoal.agent.runtime.docker;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels Shoal puts on every container it creates. They are how a runtime finds its containers
 * again after the agent restarts (the engine is the only record), and how an operator finds them:
 * {@code docker ps --filter label=dev.shoal.node.id=<node id>}.
 */
public final class ContainerLabels {
  public static final String TASK_ID = "dev.shoal.task.id";
  public static final String TASK_NAME = "dev.shoal.task.name";
  public static final String SLOT = "dev.shoal.task.slot";
  public static final String SERVICE_ID = "dev.shoal.service.id";
  public static final String SERVICE_NAME = "dev.shoal.service.name";
  public static final String NODE_ID = "dev.shoal.node.id";
  public static final String SPEC_VERSION = "dev.shoal.spec.version";
  /** The spec's stop grace period to the millisecond; the engine keeps only whole seconds. */
  public static final String STOP_GRACE_PERIOD = "dev.shoal.stop-grace-period";
  /** Target ports in spec order ({@code 80/tcp,53/udp}): the first one is the task's endpoint. */
  public static final String PORTS = "dev.shoal.ports";

  private ContainerLabels() {}

  /** The spec's own labels, then Shoal's, which win a clash: the agent relies on them. */
  static Map<String, String> of(Task task, Duration grace) {
    Map<String, String> labels = new TreeMap<>();
    if (task.spec().labels() != null) {
      labels.putAll(task.spec().labels());
    }
    labels.put(TASK_ID, task.id());
    labels.put(TASK_NAME, task.name());
    if (task.slot() != null) {
      labels.put(SLOT, String.valueOf(task.slot()));
    }
    if (task.serviceId() != null) {
      labels.put(SERVICE_ID, task.serviceId());
    }
    labels.put(SERVICE_NAME, task.serviceName());
    labels.put(NODE_ID, task.nodeId());
    labels.put(SPEC_VERSION, String.valueOf(task.specVersion()));
    labels.put(STOP_GRACE_PERIOD, Durations.format(grace));
    List<String> ports = ports(task.spec());
    if (!ports.isEmpty()) {
      labels.put(PORTS, String.join(",", ports));
    }
    return labels;
  }

  private static List<String> ports(ServiceSpec spec) {
    List<String> out = new ArrayList<>();
    if (spec.ports() != null) {
      for (ServiceSpec.PortConfig p : spec.ports()) {
        out.add(p.target() + "/" + (p.protocol() == null ? "tcp" : p.protocol()));
      }
    }
    return out;
  }

  /** The grace period a container was created with, {@code fallback} if its label is missing or unreadable. */
  static Duration stopGrace(Map<String, String> labels, Duration fallback) {
    String v = labels == null ? null : labels.get(STOP_GRACE_PERIOD);
    if (v == null) {
      return fallback;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  /** The {@link #PORTS} label split into {@code target/protocol} entries, in spec order. */
  static List<String> portOrder(Map<String, String> labels) {
    String v = labels == null ? null : labels.get(PORTS);
    return v == null || v.isBlank() ? List.of() : List.of(v.split(","));
  }
}
