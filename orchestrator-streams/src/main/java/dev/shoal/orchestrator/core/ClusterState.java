package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The orchestrator's whole view of the cluster: services, tasks, nodes and restart bookkeeping,
 * in sorted maps so that every iteration (and so every decision) has one order. Mutations go
 * through the {@code put}/{@code remove} methods, which remember what changed so the caller can
 * persist and publish exactly that.
 */
public final class ClusterState {
  private final TreeMap<String, Service> servicesByName = new TreeMap<>();
  private final TreeMap<String, Task> tasks = new TreeMap<>();
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final TreeMap<String, RestartRecord> restarts = new TreeMap<>();
  private final TreeMap<String, UpdateProgress> updates = new TreeMap<>();
  private ClusterInfo clusterInfo = ClusterInfo.INITIAL;
  private boolean clusterInfoChanged;
  private final TreeMap<String, String> refusals = new TreeMap<>();

  private final TreeSet<String> changedServices = new TreeSet<>();
  private final TreeMap<String, Service> removedServices = new TreeMap<>();
  private final TreeSet<String> changedTasks = new TreeSet<>();
  private final TreeSet<String> changedNodes = new TreeSet<>();
  private final TreeSet<String> changedRestarts = new TreeSet<>();
  private final TreeSet<String> changedUpdates = new TreeSet<>();
  private final TreeSet<String> changedAssignments = new TreeSet<>();

  // ---- loading (no change tracking) ----

  public void load(Service s) {
    servicesByName.put(s.name(), s);
  }

  public void load(Task t) {
    tasks.put(t.id(), t);
  }

  public void load(Node n) {
    nodes.put(n.id(), n);
  }

  public void load(String key, RestartRecord r) {
    restarts.put(key, r);
  }

  public void load(String serviceId, UpdateProgress p) {
    updates.put(serviceId, p);
  }

  public void load(ClusterInfo info) {
    clusterInfo = info;
  }

  // ---- queries ----

  public ClusterInfo clusterInfo() {
    return clusterInfo;
  }

  public Optional<UpdateProgress> update(String serviceId) {
    return Optional.ofNullable(updates.get(serviceId));
  }

  public Optional<Service> service(String name) {
    return Optional.ofNullable(servicesByName.get(name));
  }

  public Collection<Service> services() {
    return servicesByName.values();
  }

  public Optional<Task> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  public Collection<Task> tasks() {
    return tasks.values();
  }

  public List<Task> tasksOf(String serviceId) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (t.serviceId().equals(serviceId)) {
        out.add(t);
      }
    }
    return out;
  }

  public List<Task> tasksOn(String nodeId) {
    List<Task> out = new ArrayList<>();
    for (Task t : tasks.values()) {
      if (nodeId.equals(t.nodeId())) {
        out.add(t);
      }
    }
    return out;
  }

  public Optional<Node> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public Collection<Node> nodes() {
    return nodes.values();
  }

  public Optional<RestartRecord> restart(String key) {
    return Optional.ofNullable(restarts.get(key));
  }

  // ---- mutations (tracked) ----

  public void put(Service s) {
    servicesByName.put(s.name(), s);
    changedServices.add(s.name());
    removedServices.remove(s.name());
  }

  public void remove(Service s) {
    servicesByName.remove(s.name());
    changedServices.remove(s.name());
    removedServices.put(s.name(), s);
  }

  public void put(Task t) {
    Task before = tasks.put(t.id(), t);
    changedTasks.add(t.id());
    if (before != null && before.nodeId() != null && !before.nodeId().equals(t.nodeId())) {
      changedAssignments.add(before.nodeId());
    }
    if (t.nodeId() != null) {
      changedAssignments.add(t.nodeId());
    }
  }

  public void remove(Task t) {
    tasks.remove(t.id());
    changedTasks.add(t.id());
    if (t.nodeId() != null) {
      changedAssignments.add(t.nodeId());
    }
  }

  public void put(Node n) {
    nodes.put(n.id(), n);
    changedNodes.add(n.id());
  }

  public void remove(Node n) {
    nodes.remove(n.id());
    changedNodes.add(n.id());
    changedAssignments.add(n.id());
  }

  public void put(String key, RestartRecord r) {
    restarts.put(key, r);
    changedRestarts.add(key);
  }

  public void removeRestart(String key) {
    if (restarts.remove(key) != null) {
      changedRestarts.add(key);
    }
  }

  public void put(String serviceId, UpdateProgress p) {
    updates.put(serviceId, p);
    changedUpdates.add(serviceId);
  }

  public void removeUpdate(String serviceId) {
    if (updates.remove(serviceId) != null) {
      changedUpdates.add(serviceId);
    }
  }

  public void put(ClusterInfo info) {
    clusterInfo = info;
    clusterInfoChanged = true;
  }

  /** Remembers that a node was refused, so its agent is told why. */
  public void refuse(String nodeId, String reason) {
    refusals.put(nodeId, reason);
  }

  // ---- what changed since the last drain ----

  /** What the last handled message changed; clears the tracking. */
  public Changes drainChanges() {
    Changes c = new Changes(
        changedServices.stream().map(servicesByName::get).toList(),
        List.copyOf(removedServices.values()),
        List.copyOf(changedTasks),
        List.copyOf(changedNodes),
        List.copyOf(changedRestarts),
        List.copyOf(changedUpdates),
        List.copyOf(changedAssignments),
        clusterInfoChanged,
        new TreeMap<>(refusals));
    changedServices.clear();
    removedServices.clear();
    changedTasks.clear();
    changedNodes.clear();
    changedRestarts.clear();
    changedUpdates.clear();
    clusterInfoChanged = false;
    refusals.clear();
    changedAssignments.clear();
    return c;
  }

  /** The ids of what changed; look the current values up (absent = deleted). */
  public record Changes(List<Service> services, List<Service> removedServices, List<String> taskIds,
                        List<String> nodeIds, List<String> restartKeys, List<String> updateServiceIds,
                        List<String> assignmentNodeIds, boolean clusterInfoChanged,
                        java.util.SortedMap<String, String> refusals) {}

  /** The tasks an agent should know about: every task placed on the node, sorted by id. */
  public List<Task> assignmentOf(String nodeId) {
    return tasksOn(nodeId);
  }

  /** Tasks that hold a slot: wanted running and not ended. */
  public static boolean isActive(Task t) {
    return t.desiredState() == DesiredState.RUNNING && !t.state().isTerminal();
  }
}
