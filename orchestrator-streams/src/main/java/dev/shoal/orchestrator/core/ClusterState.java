package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.SpecSharing;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The orchestrator's whole view of the cluster: services, tasks, nodes, restart and update
 * bookkeeping, the decision clock and the requests it remembers, in sorted maps so that every
 * iteration (and so every decision) has one order, with indexes of tasks by service, by service and
 * slot, by node, of tasks waiting for a node and of tasks that ended while wanted running, so that one
 * message costs what it changes rather than a scan.
 *
 * <p>Handling a message is a transaction: every mutation remembers what it replaced, so the caller
 * either {@link #commit}s (and persists and publishes exactly what {@link #changes} lists) or
 * {@link #rollback}s, which puts the state back exactly as it was. That is how a message whose
 * decision fails, or whose plan is refused, leaves the state unchanged (DESIGN principle 5).
 */
public final class ClusterState {
  /**
   * What the orchestrator keeps beside the entities: the version index, the decision clock, and the
   * sequence of decided inputs (an input's position in the control log's history, which makes the
   * ids it creates unique and replayable).
   */
  public record Meta(long lastVersion, long lastTime, long lastSequence) {
    public static final Meta INITIAL = new Meta(0, 0, 0);
  }

  /** A request id's outcome, kept so a retried request gets the same answer and is not applied twice. */
  public record RememberedRequest(ClusterEvent outcome, long time) {}

  private final TreeMap<String, Service> servicesByKey = new TreeMap<>();
  private final TreeMap<String, String> serviceKeysById = new TreeMap<>();
  // Looked up by id, never iterated in its own order: every status and placement looks a task up,
  // and a sorted map of 100,000 tasks made that the decision thread's busiest leaf (a fifth of its
  // samples, issue 14). What lists every task sorts a copy ({@link #tasks()}).
  private final HashMap<String, Task> tasks = new HashMap<>();
  // The indexes hold the tasks themselves, by id, not their ids: listing a node's or a service's
  // tasks is what every placement and reconciliation does, and a lookup per id was a fifth of a
  // replay's time. They hold the same tasks as {@code tasks}, in id order.
  private final TreeMap<String, TreeMap<String, Task>> tasksByService = new TreeMap<>();
  private final TreeMap<String, TreeMap<String, Task>> tasksByNode = new TreeMap<>();
  private final TreeMap<String, Task> pending = new TreeMap<>();
  // A service's tasks by slot (replicated) and by node for tasks without a slot (global), and those
  // that ended while wanted running: what reconciling some slots of a service reads, so that it
  // costs those slots, not the service. Looked up by service id, never iterated.
  private final HashMap<String, TreeMap<Integer, TreeMap<String, Task>>> tasksBySlot =
      new HashMap<>();
  private final HashMap<String, TreeMap<String, TreeMap<String, Task>>> slotlessByNode =
      new HashMap<>();
  private final HashMap<String, TreeMap<String, Task>> endedWanted = new HashMap<>();
  private final HashMap<String, NodeLoad> loads = new HashMap<>();
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final TreeMap<String, RestartRecord> restarts = new TreeMap<>();
  private final TreeMap<String, UpdateProgress> updates = new TreeMap<>();
  private final TreeMap<String, RememberedRequest> requests = new TreeMap<>();
  private final TreeSet<String> requestsByTime = new TreeSet<>();
  /** The spec objects tasks loaded from the stores share: their service's current one, or the first equal one loaded. */
  private final SpecSharing loadedSpecs = new SpecSharing();
  private ClusterInfo clusterInfo = ClusterInfo.INITIAL;
  private Meta meta = Meta.INITIAL;

  // ---- the open transaction ----
  private final Deque<Runnable> undo = new ArrayDeque<>();
  private final TreeSet<String> changedServices = new TreeSet<>();
  private final TreeMap<String, Service> removedServices = new TreeMap<>();
  private final TreeSet<String> changedTasks = new TreeSet<>();
  private final TreeSet<String> changedNodes = new TreeSet<>();
  private final TreeSet<String> changedRestarts = new TreeSet<>();
  private final TreeSet<String> changedUpdates = new TreeSet<>();
  /** Tasks whose record on their node's assignment changed, by task id, with that node's id. */
  private final TreeMap<String, String> changedAssignments = new TreeMap<>();
  private final TreeSet<String> changedRequests = new TreeSet<>();
  private final TreeMap<String, String> refusals = new TreeMap<>();
  private boolean clusterInfoChanged;
  private boolean metaChanged;

  // ---- loading from the stores (no transaction) ----

  public void load(Service s) {
    putService(s);
    if (s.spec() != null) {
      loadedSpecs.offer(s.id(), s.version(), s.spec());
    }
  }

  /**
   * Loads a task, sharing its spec with its service's current spec or the tasks of the same service
   * version loaded before it when they are equal ({@link SpecSharing}; services load first). A task
   * read from a store has its own copy of the spec, as deserialised: at 100,000 tasks those copies
   * were most of a reloaded orchestrator's heap, and every reconciliation compared each copy field by
   * field with the service's spec ({@link SlotView#outdated}) where tasks made in this JVM share the
   * very object. Equal values, so nothing a decision reads or writes changes.
   */
  public void load(Task t) {
    putTask(loadedSpecs.share(t));
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

  public void load(Meta m) {
    meta = m;
  }

  public void load(String requestId, RememberedRequest r) {
    putRequest(requestId, r);
  }

  // ---- queries ----

  public ClusterInfo clusterInfo() {
    return clusterInfo;
  }

  public Meta meta() {
    return meta;
  }

  public Optional<UpdateProgress> update(String serviceId) {
    return Optional.ofNullable(updates.get(serviceId));
  }

  /** A service by name, regardless of case (Swarm's names are case-insensitive). */
  public Optional<Service> service(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(servicesByKey.get(Identifiers.serviceKey(name)));
  }

  public Optional<Service> serviceById(String id) {
    String key = serviceKeysById.get(id);
    return key == null ? Optional.empty() : Optional.ofNullable(servicesByKey.get(key));
  }

  public Collection<Service> services() {
    return servicesByKey.values();
  }

  public Optional<Task> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  /** Every task, in id order: a sorted copy, for what reads them all (a load, an audit snapshot). */
  public Collection<Task> tasks() {
    return new TreeMap<>(tasks).values();
  }

  public int taskCount() {
    return tasks.size();
  }

  /** Every task of a service (by service id), in id order. */
  public List<Task> tasksOf(String serviceId) {
    return resolve(tasksByService.get(serviceId));
  }

  /** How many tasks a service has, ended ones included. */
  public int taskCountOf(String serviceId) {
    TreeMap<String, Task> byId = tasksByService.get(serviceId);
    return byId == null ? 0 : byId.size();
  }

  /** The tasks of one slot of a replicated service, in id order. */
  public List<Task> tasksInSlot(String serviceId, int slot) {
    TreeMap<Integer, TreeMap<String, Task>> bySlot = tasksBySlot.get(serviceId);
    return resolve(bySlot == null ? null : bySlot.get(slot));
  }

  /** The tasks of one slot, in id order, as a view: for the reconcilers, which copy what they keep. */
  Collection<Task> slotTasks(String serviceId, int slot) {
    TreeMap<Integer, TreeMap<String, Task>> bySlot = tasksBySlot.get(serviceId);
    TreeMap<String, Task> byId = bySlot == null ? null : bySlot.get(slot);
    return byId == null ? List.of() : java.util.Collections.unmodifiableCollection(byId.values());
  }

  /** A global service's tasks on one node, in id order, as a view: for the reconcilers, which copy what they keep. */
  Collection<Task> slotlessTasks(String serviceId, String nodeId) {
    TreeMap<String, TreeMap<String, Task>> byNode = slotlessByNode.get(serviceId);
    TreeMap<String, Task> byId = byNode == null ? null : byNode.get(nodeId);
    return byId == null ? List.of() : java.util.Collections.unmodifiableCollection(byId.values());
  }

  /** The slots of a service that hold tasks, ascending: a view to read, never to hold across a change. */
  public java.util.NavigableSet<Integer> slotsOf(String serviceId) {
    TreeMap<Integer, TreeMap<String, Task>> bySlot = tasksBySlot.get(serviceId);
    return bySlot == null ? java.util.Collections.emptyNavigableSet()
        : java.util.Collections.unmodifiableNavigableSet(bySlot.navigableKeySet());
  }

  /** The tasks of a service on a node that have no slot (a global service's), in id order. */
  public List<Task> slotlessTasksOn(String serviceId, String nodeId) {
    TreeMap<String, TreeMap<String, Task>> byNode = slotlessByNode.get(serviceId);
    return resolve(byNode == null ? null : byNode.get(nodeId));
  }

  /** The nodes holding tasks of a service that have no slot, ascending: a view to read, never to hold across a change. */
  public java.util.NavigableSet<String> slotlessNodesOf(String serviceId) {
    TreeMap<String, TreeMap<String, Task>> byNode = slotlessByNode.get(serviceId);
    return byNode == null ? java.util.Collections.emptyNavigableSet()
        : java.util.Collections.unmodifiableNavigableSet(byNode.navigableKeySet());
  }

  /** The tasks of a service that ended by themselves while wanted running, in id order: the restart policy's. */
  public List<Task> endedWhileWantedOf(String serviceId) {
    return resolve(endedWanted.get(serviceId));
  }

  /** Every task placed on a node, in id order: the node's assignment. */
  public List<Task> tasksOn(String nodeId) {
    return resolve(tasksByNode.get(nodeId));
  }

  /** Tasks wanted running that wait for a node (NEW or PENDING), in id order. */
  public List<Task> pendingTasks() {
    return resolve(pending);
  }

  /** The node as the scheduler sees it: what its resource-holding tasks reserve and count. */
  NodeInfo nodeInfo(Node n) {
    return new NodeInfo(n, loads.get(n.id()));
  }

  public Optional<Node> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public Collection<Node> nodes() {
    return nodes.values();
  }

  /** The nodes by id, as the state holds them: read it, never change it. */
  public java.util.SortedMap<String, Node> nodeMap() {
    return nodes;
  }

  public Optional<RestartRecord> restart(String key) {
    return Optional.ofNullable(restarts.get(key));
  }

  /** The restart bookkeeping keys of a service ({@code <service id>/<slot or node>}). */
  public List<String> restartKeysOf(String serviceId) {
    return List.copyOf(restarts.subMap(serviceId + "/", serviceId + "0").keySet());
  }

  public Optional<RememberedRequest> request(String requestId) {
    return requestId == null ? Optional.empty() : Optional.ofNullable(requests.get(requestId));
  }

  public int rememberedRequests() {
    return requests.size();
  }

  /** The oldest remembered request id, or empty. */
  public Optional<String> oldestRequest() {
    return requestsByTime.isEmpty() ? Optional.empty()
        : Optional.of(requestsByTime.first().substring(21));
  }

  private static List<Task> resolve(TreeMap<String, Task> byId) {
    return byId == null ? List.of() : new ArrayList<>(byId.values());
  }

  // ---- mutations (in the open transaction) ----

  public void put(Service s) {
    Service before = servicesByKey.get(Identifiers.serviceKey(s.name()));
    putService(s);
    String key = Identifiers.serviceKey(s.name());
    boolean wasRemoved = removedServices.containsKey(key);
    Service removedBefore = removedServices.remove(key);
    boolean wasChanged = !changedServices.add(key);
    undo.push(() -> {
      if (before == null) {
        removeServiceEntry(s);
      } else {
        putService(before);
      }
      if (!wasChanged) {
        changedServices.remove(key);
      }
      if (wasRemoved) {
        removedServices.put(key, removedBefore);
      }
    });
  }

  public void remove(Service s) {
    String key = Identifiers.serviceKey(s.name());
    Service before = servicesByKey.get(key);
    if (before == null) {
      return;
    }
    removeServiceEntry(before);
    boolean wasChanged = changedServices.remove(key);
    Service removedBefore = removedServices.put(key, before);
    undo.push(() -> {
      putService(before);
      if (wasChanged) {
        changedServices.add(key);
      }
      if (removedBefore == null) {
        removedServices.remove(key);
      } else {
        removedServices.put(key, removedBefore);
      }
    });
  }

  public void put(Task t) {
    Task before = tasks.get(t.id());
    putTask(t);
    track(changedTasks, t.id());
    if (t.nodeId() != null && (before == null || agentSees(before, t))) {
      trackAssignment(t.id(), t.nodeId());
    }
    undo.push(() -> {
      removeTaskEntry(t);
      if (before != null) {
        putTask(before);
      }
    });
  }

  public void remove(Task t) {
    Task before = tasks.get(t.id());
    if (before == null) {
      return;
    }
    removeTaskEntry(before);
    track(changedTasks, t.id());
    if (before.nodeId() != null) {
      trackAssignment(before.id(), before.nodeId());
    }
    undo.push(() -> putTask(before));
  }

  /**
   * Whether a change of a placed task is one its agent must be told: the node, the desired state,
   * the spec, or the observed state becoming terminal (so an agent that restarts with an empty
   * memory never starts again a task that ended). Progress it reported itself (accepted, starting,
   * running, health) is not written back to it: that would double every status's bytes.
   */
  private static boolean agentSees(Task before, Task after) {
    return !Objects.equals(before.nodeId(), after.nodeId())
        || before.desiredState() != after.desiredState()
        || before.specVersion() != after.specVersion()
        || before.state().isTerminal() != after.state().isTerminal();
  }

  private void trackAssignment(String taskId, String nodeId) {
    String previous = changedAssignments.put(taskId, nodeId);
    undo.push(() -> restore(changedAssignments, taskId, previous));
  }

  public void put(Node n) {
    Node before = nodes.put(n.id(), n);
    track(changedNodes, n.id());
    undo.push(() -> restore(nodes, n.id(), before));
  }

  public void remove(Node n) {
    Node before = nodes.remove(n.id());
    track(changedNodes, n.id());
    undo.push(() -> restore(nodes, n.id(), before));
  }

  public void put(String key, RestartRecord r) {
    RestartRecord before = restarts.put(key, r);
    track(changedRestarts, key);
    undo.push(() -> restore(restarts, key, before));
  }

  public void removeRestart(String key) {
    RestartRecord before = restarts.remove(key);
    if (before != null) {
      track(changedRestarts, key);
      undo.push(() -> restarts.put(key, before));
    }
  }

  public void put(String serviceId, UpdateProgress p) {
    UpdateProgress before = updates.put(serviceId, p);
    track(changedUpdates, serviceId);
    undo.push(() -> restore(updates, serviceId, before));
  }

  public void removeUpdate(String serviceId) {
    UpdateProgress before = updates.remove(serviceId);
    if (before != null) {
      track(changedUpdates, serviceId);
      undo.push(() -> updates.put(serviceId, before));
    }
  }

  public void put(ClusterInfo info) {
    ClusterInfo before = clusterInfo;
    boolean changedBefore = clusterInfoChanged;
    clusterInfo = info;
    clusterInfoChanged = true;
    undo.push(() -> {
      clusterInfo = before;
      clusterInfoChanged = changedBefore;
    });
  }

  public void put(Meta m) {
    Meta before = meta;
    boolean changedBefore = metaChanged;
    meta = m;
    metaChanged = true;
    undo.push(() -> {
      meta = before;
      metaChanged = changedBefore;
    });
  }

  /** The next version of the cluster-wide index: service versions never repeat, even for a re-created name. */
  public long nextVersion() {
    long v = meta.lastVersion() + 1;
    put(new Meta(v, meta.lastTime(), meta.lastSequence()));
    return v;
  }

  public void remember(String requestId, RememberedRequest r) {
    RememberedRequest before = requests.get(requestId);
    if (before != null) {
      removeRequestEntry(requestId, before);
    }
    putRequest(requestId, r);
    track(changedRequests, requestId);
    undo.push(() -> {
      removeRequestEntry(requestId, r);
      if (before != null) {
        putRequest(requestId, before);
      }
    });
  }

  public void forget(String requestId) {
    RememberedRequest before = requests.get(requestId);
    if (before != null) {
      removeRequestEntry(requestId, before);
      track(changedRequests, requestId);
      undo.push(() -> putRequest(requestId, before));
    }
  }

  /** Remembers that a node was refused, so its agent is told why. */
  public void refuse(String nodeId, String reason) {
    String before = refusals.put(nodeId, reason);
    undo.push(() -> restore(refusals, nodeId, before));
  }

  // ---- the transaction's end ----

  /** What the open transaction changed so far: ids to look up (absent = deleted). */
  public Changes changes() {
    return new Changes(
        changedServices.stream().map(servicesByKey::get).toList(),
        List.copyOf(removedServices.values()),
        List.copyOf(changedTasks),
        List.copyOf(changedNodes),
        List.copyOf(changedRestarts),
        List.copyOf(changedUpdates),
        new TreeMap<>(changedAssignments),
        List.copyOf(changedRequests),
        clusterInfoChanged,
        metaChanged,
        new TreeMap<>(refusals));
  }

  /** Keeps what the transaction did and starts a new one. */
  public void commit() {
    undo.clear();
    clearTracking();
  }

  /** Undoes everything since the last commit: the state is as it was. */
  public void rollback() {
    while (!undo.isEmpty()) {
      undo.pop().run();
    }
    clearTracking();
  }

  private void clearTracking() {
    changedServices.clear();
    removedServices.clear();
    changedTasks.clear();
    changedNodes.clear();
    changedRestarts.clear();
    changedUpdates.clear();
    changedAssignments.clear();
    changedRequests.clear();
    refusals.clear();
    clusterInfoChanged = false;
    metaChanged = false;
  }

  /** The ids of what changed; look the current values up (absent = deleted). */
  public record Changes(List<Service> services, List<Service> removedServices, List<String> taskIds,
                        List<String> nodeIds, List<String> restartKeys, List<String> updateServiceIds,
                        java.util.SortedMap<String, String> assignmentTasks, List<String> requestIds,
                        boolean clusterInfoChanged,
                        boolean metaChanged, SortedMap<String, String> refusals) {}

  // ---- raw index maintenance (no tracking, no undo) ----

  private void putService(Service s) {
    String key = Identifiers.serviceKey(s.name());
    Service old = servicesByKey.put(key, s);
    if (old != null && !old.id().equals(s.id())) {
      serviceKeysById.remove(old.id());
    }
    serviceKeysById.put(s.id(), key);
  }

  private void removeServiceEntry(Service s) {
    String key = Identifiers.serviceKey(s.name());
    Service old = servicesByKey.remove(key);
    if (old != null) {
      serviceKeysById.remove(old.id());
    }
  }

  private void putTask(Task t) {
    Task old = tasks.put(t.id(), t);
    if (old != null && sameIndexKeys(old, t)) {
      reindex(old, t);
      return;
    }
    if (old != null) {
      unindex(old);
    }
    index(t);
  }

  /** Whether {@code t} sits in the same entries of the by-service, by-slot and by-node indexes as {@code old}. */
  private static boolean sameIndexKeys(Task old, Task t) {
    return old.serviceId().equals(t.serviceId()) && Objects.equals(old.slot(), t.slot())
        && Objects.equals(old.nodeId(), t.nodeId());
  }

  /**
   * A new version of a task in the same index entries (most are: a status, a desired state): its
   * value replaced where it is, one search each, rather than removed and inserted again.
   */
  private void reindex(Task old, Task t) {
    tasksByService.get(t.serviceId()).put(t.id(), t);
    if (t.slot() != null) {
      tasksBySlot.get(t.serviceId()).get(t.slot()).put(t.id(), t);
    } else if (t.nodeId() != null) {
      slotlessByNode.get(t.serviceId()).get(t.nodeId()).put(t.id(), t);
    }
    if (t.nodeId() != null) {
      tasksByNode.get(t.nodeId()).put(t.id(), t);
    }
    unindexByState(old);
    indexByState(t);
  }

  private void removeTaskEntry(Task t) {
    Task old = tasks.remove(t.id());
    if (old != null) {
      unindex(old);
    }
  }

  private void index(Task t) {
    tasksByService.computeIfAbsent(t.serviceId(), k -> new TreeMap<>()).put(t.id(), t);
    if (t.slot() != null) {
      tasksBySlot.computeIfAbsent(t.serviceId(), k -> new TreeMap<>())
          .computeIfAbsent(t.slot(), k -> new TreeMap<>()).put(t.id(), t);
    } else if (t.nodeId() != null) {
      slotlessByNode.computeIfAbsent(t.serviceId(), k -> new TreeMap<>())
          .computeIfAbsent(t.nodeId(), k -> new TreeMap<>()).put(t.id(), t);
    }
    if (t.nodeId() != null) {
      tasksByNode.computeIfAbsent(t.nodeId(), k -> new TreeMap<>()).put(t.id(), t);
    }
    indexByState(t);
  }

  /** The indexes a task is in by its state: ended while wanted, waiting for a node, holding a node's resources. */
  private void indexByState(Task t) {
    if (endedWhileWanted(t)) {
      endedWanted.computeIfAbsent(t.serviceId(), k -> new TreeMap<>()).put(t.id(), t);
    }
    if (waitsForNode(t)) {
      pending.put(t.id(), t);
    }
    if (NodeLoad.holds(t)) {
      loads.computeIfAbsent(t.nodeId(), k -> new NodeLoad()).add(t);
    }
  }

  private void unindex(Task t) {
    drop(tasksByService, t.serviceId(), t.id());
    if (t.slot() != null) {
      dropNested(tasksBySlot, t.serviceId(), t.slot(), t.id());
    } else if (t.nodeId() != null) {
      dropNested(slotlessByNode, t.serviceId(), t.nodeId(), t.id());
    }
    if (t.nodeId() != null) {
      drop(tasksByNode, t.nodeId(), t.id());
    }
    unindexByState(t);
  }

  private void unindexByState(Task t) {
    if (endedWhileWanted(t)) {
      drop(endedWanted, t.serviceId(), t.id());
    }
    pending.remove(t.id());
    if (NodeLoad.holds(t)) {
      NodeLoad load = loads.get(t.nodeId());
      load.remove(t);
      if (load.isEmpty()) {
        loads.remove(t.nodeId());
      }
    }
  }

  private static <K> void drop(Map<K, TreeMap<String, Task>> index, K key, String id) {
    TreeMap<String, Task> byId = index.get(key);
    if (byId != null) {
      byId.remove(id);
      if (byId.isEmpty()) {
        index.remove(key);
      }
    }
  }

  private static <K> void dropNested(Map<String, TreeMap<K, TreeMap<String, Task>>> index, String serviceId, K key,
                                     String id) {
    TreeMap<K, TreeMap<String, Task>> byKey = index.get(serviceId);
    if (byKey != null) {
      drop(byKey, key, id);
      if (byKey.isEmpty()) {
        index.remove(serviceId);
      }
    }
  }

  private void putRequest(String id, RememberedRequest r) {
    requests.put(id, r);
    requestsByTime.add(timeKey(r.time(), id));
  }

  private void removeRequestEntry(String id, RememberedRequest r) {
    requests.remove(id);
    requestsByTime.remove(timeKey(r.time(), id));
  }

  private static String timeKey(long time, String id) {
    return PaddedNumbers.of(time, 20) + "/" + id;
  }

  private void track(TreeSet<String> set, String id) {
    if (set.add(id)) {
      undo.push(() -> set.remove(id));
    }
  }

  private static <V> void restore(Map<String, V> map, String key, V before) {
    if (before == null) {
      map.remove(key);
    } else {
      map.put(key, before);
    }
  }

  /** Tasks that hold a slot: wanted running and not ended. */
  public static boolean isActive(Task t) {
    return t.desiredState() == DesiredState.RUNNING && !t.state().isTerminal();
  }

  /** Tasks that ended by themselves while wanted running: a slot the restart policy decides on. */
  static boolean endedWhileWanted(Task t) {
    return t.desiredState() == DesiredState.RUNNING && t.state().isTerminal();
  }

  /** Tasks the scheduler must still place. */
  static boolean waitsForNode(Task t) {
    return (t.state() == TaskState.NEW || t.state() == TaskState.PENDING) && t.desiredState() == DesiredState.RUNNING;
  }
}
