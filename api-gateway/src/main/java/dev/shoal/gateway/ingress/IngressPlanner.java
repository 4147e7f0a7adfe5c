package dev.shoal.gateway.ingress;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.IngressLabels;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Which ports to publish and which tasks serve each: a pure function of the services, their tasks
 * and the nodes, so the gateway's whole ingress is recomputed, never patched.
 *
 * <p>A port is published when a service lists it with mode ingress and a published number (tcp;
 * the validator refuses other protocols there). A task serves it when the orchestrator wants it
 * RUNNING and its agent reports it RUNNING, healthy if it has a health check, with a binding for
 * the target port. So a task leaves the pool as soon as it is told to stop (desired SHUTDOWN or
 * REMOVE), before its agent stops it (the agent's drain delay): requests in flight finish, new ones
 * go elsewhere. Such a task, still seen running, is listed as draining: the last resort when no
 * serving task can be reached.
 */
public final class IngressPlanner {
  private static final String HEALTHY = "healthy";
  private static final Comparator<Service> OLDEST_FIRST = Comparator.comparingLong(Service::createdAt)
      .thenComparing(Service::id);
  private static final Comparator<Task> TASK_ORDER = Comparator
      .comparing(Task::slot, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::nodeId, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Task::id);

  private IngressPlanner() {}

  /**
   * The plan for these services; {@code tasksOf} gives a service's tasks by service id and
   * {@code node} a node by id. Only services that publish a port have their tasks read.
   */
  public static IngressPlan plan(Collection<Service> services, Function<String, List<Task>> tasksOf,
                                 Function<String, Optional<Node>> node) {
    TreeMap<Integer, PortRoute> routes = new TreeMap<>();
    Map<Integer, List<String>> conflicts = new TreeMap<>();
    List<Service> ordered = new ArrayList<>(services);
    ordered.sort(OLDEST_FIRST);
    for (Service s : ordered) {
      ServiceSpec spec = s.spec();
      if (spec == null || spec.ports() == null) {
        continue;
      }
      List<Task> tasks = null;
      for (ServiceSpec.PortConfig p : spec.ports()) {
        if (!p.isIngress() || (p.protocol() != null && !"tcp".equals(p.protocol())) || p.target() == null) {
          continue;
        }
        PortRoute holder = routes.get(p.published());
        if (holder != null) {
          if (!holder.serviceId().equals(s.id())) {
            conflicts.computeIfAbsent(p.published(), k -> new ArrayList<>()).add(s.name());
          }
          continue;
        }
        if (tasks == null) {
          tasks = new ArrayList<>(tasksOf.apply(s.id()));
          tasks.sort(TASK_ORDER);
        }
        routes.put(p.published(), new PortRoute(p.published(), s.id(), s.name(), IngressLabels.speaksHttp(spec, p),
            Balance.ofLabel(IngressLabels.balance(spec)), backends(tasks, p.target(), node, IngressPlanner::serves),
            backends(tasks, p.target(), node, IngressPlanner::drains)));
      }
    }
    return new IngressPlan(routes, conflicts);
  }

  private static List<Backend> backends(List<Task> tasks, int target, Function<String, Optional<Node>> node,
                                        BiPredicate<Task, Function<String, Optional<Node>>> which) {
    List<Backend> out = new ArrayList<>();
    for (Task t : tasks) {
      if (!which.test(t, node)) {
        continue;
      }
      binding(t.status(), target).ifPresent(b -> out.add(new Backend(t.id(), t.name(), t.nodeId(),
          host(b, node.apply(t.nodeId())), b.hostPort())));
    }
    return out;
  }

  /** Wanted and observed running, healthy when checked, on a node not known to be down. */
  static boolean serves(Task t, Function<String, Optional<Node>> node) {
    return t.desiredState() == DesiredState.RUNNING && alive(t, node);
  }

  /**
   * Told to stop but still seen running, healthy when checked, on a node not known to be down: its
   * agent keeps it for the drain delay, so it can take a request when no serving task can.
   */
  static boolean drains(Task t, Function<String, Optional<Node>> node) {
    return t.desiredState() != DesiredState.RUNNING && alive(t, node);
  }

  private static boolean alive(Task t, Function<String, Optional<Node>> node) {
    TaskStatus st = t.status();
    if (st == null || st.state() != TaskState.RUNNING) {
      return false;
    }
    if (st.health() != null && !HEALTHY.equals(st.health())) {
      return false;
    }
    return t.nodeId() == null || node.apply(t.nodeId()).map(n -> !Node.DOWN.equals(n.status())).orElse(true);
  }

  private static Optional<TaskStatus.PortBinding> binding(TaskStatus st, int target) {
    if (st.ports() == null) {
      return Optional.empty();
    }
    return st.ports().stream()
        .filter(b -> b.target() == target && (b.protocol() == null || "tcp".equals(b.protocol())) && b.hostPort() > 0)
        .findFirst();
  }

  /** The binding's address; a wildcard binding is reached at its node's address. */
  private static String host(TaskStatus.PortBinding b, Optional<Node> node) {
    String ip = b.hostIp();
    if (ip != null && !ip.isBlank() && !"0.0.0.0".equals(ip) && !"::".equals(ip)) {
      return ip;
    }
    return node.map(Node::description).map(d -> d.address()).filter(a -> a != null && !a.isBlank())
        .orElse("127.0.0.1");
  }
}
