package dev.shoal.gateway;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ClusterBackend} double: state in maps, writes applied at once like an orchestrator
 * would (ids from names, versions +1), or rejected or left pending as a test asks. Every write is
 * recorded in {@link #published}.
 */
public final class InMemoryClusterBackend implements ClusterBackend {

  /** How the next writes end. */
  public enum Mode { APPLY, REJECT, PENDING }

  /** One write as the routes asked for it. */
  public record Published(String kind, String key, Object payload, Long expectedVersion, Caller caller) {}

  public final Map<String, Service> services = new ConcurrentHashMap<>();
  public final Map<String, Task> tasks = new ConcurrentHashMap<>();
  public final Map<String, Node> nodes = new ConcurrentHashMap<>();
  public final List<ClusterEvent> events = new CopyOnWriteArrayList<>();
  public final List<Published> published = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.APPLY;
  private volatile String rejection = "rejected";
  private volatile dev.shoal.schemas.RejectionCode rejectionCode = dev.shoal.schemas.RejectionCode.INVALID;
  public volatile Health health = Health.ok(0);
  private long now = 1_000;

  public InMemoryClusterBackend mode(Mode m) {
    this.mode = m;
    return this;
  }

  public InMemoryClusterBackend rejectWith(String reason) {
    return rejectWith(dev.shoal.schemas.RejectionCode.INVALID, reason);
  }

  public InMemoryClusterBackend rejectWith(dev.shoal.schemas.RejectionCode code, String reason) {
    this.mode = Mode.REJECT;
    this.rejection = reason;
    this.rejectionCode = code;
    return this;
  }

  public Service add(Service s) {
    services.put(s.id(), s);
    return s;
  }

  public Task add(Task t) {
    tasks.put(t.id(), t);
    return t;
  }

  public Node add(Node n) {
    nodes.put(n.id(), n);
    return n;
  }

  @Override
  public List<Service> services() {
    return List.copyOf(services.values());
  }

  @Override
  public Optional<Service> service(String nameOrId) {
    Service byId = services.get(nameOrId);
    return byId != null ? Optional.of(byId)
        : services.values().stream().filter(s -> s.name().equalsIgnoreCase(nameOrId)).findFirst();
  }

  @Override
  public List<Task> tasks() {
    return List.copyOf(tasks.values());
  }

  @Override
  public Optional<Task> task(String id) {
    return Optional.ofNullable(tasks.get(id));
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  @Override
  public Optional<Node> node(String idOrHostname) {
    Node byId = nodes.get(idOrHostname);
    return byId != null ? Optional.of(byId)
        : nodes.values().stream().filter(n -> n.hostname().equals(idOrHostname)).findFirst();
  }

  @Override
  public List<ClusterEvent> events() {
    return new ArrayList<>(events);
  }

  @Override
  public List<Task> tasksOfService(String serviceId) {
    return tasks.values().stream().filter(t -> serviceId.equals(t.serviceId())).toList();
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public synchronized CompletableFuture<Outcome<Service>> createService(ServiceSpec spec, Caller caller) {
    published.add(new Published("spec", spec.name(), spec, 0L, caller));
    return finish(caller, () -> add(new Service("id-" + spec.name(), spec.name(), nextVersion(), spec, null, null, ++now,
        now)));
  }

  @Override
  public synchronized CompletableFuture<Outcome<Service>> updateService(ServiceSpec spec, long expectedVersion,
                                                                        Caller caller) {
    published.add(new Published("spec", spec.name(), spec, expectedVersion, caller));
    return finish(caller, () -> add(service(spec.name()).orElseThrow().withSpec(spec, nextVersion(), ++now)));
  }

  @Override
  public synchronized CompletableFuture<Outcome<Service>> removeService(String name, Caller caller) {
    published.add(new Published("tombstone", name, null, null, caller));
    return finish(caller, () -> services.remove(service(name).orElseThrow().id()));
  }

  @Override
  public synchronized CompletableFuture<Outcome<Service>> scaleService(String name, int replicas, Caller caller) {
    published.add(new Published("command", name, new Command.ScaleService(name, replicas), null, caller));
    return finish(caller, () -> {
      Service current = service(name).orElseThrow();
      return add(current.withSpec(current.spec().withReplicas(replicas), nextVersion(), ++now));
    });
  }

  dev.shoal.schemas.ClusterInfo clusterInfo = dev.shoal.schemas.ClusterInfo.INITIAL;

  @Override
  public synchronized dev.shoal.schemas.ClusterInfo clusterInfo() {
    return clusterInfo;
  }

  @Override
  public synchronized CompletableFuture<Outcome<dev.shoal.schemas.ClusterInfo>> rotateJoinToken(String role,
                                                                                                Caller caller) {
    published.add(new Published("command", "cluster", new Command.RotateJoinToken(role), null, caller));
    return finish(caller, () -> clusterInfo = clusterInfo.rotated(role, ++now));
  }

  @Override
  public synchronized CompletableFuture<Outcome<Service>> rollbackService(String name, Long expectedVersion,
                                                                         Caller caller) {
    published.add(new Published("command", name, new Command.RollbackService(name, expectedVersion), expectedVersion,
        caller));
    return finish(caller, () -> {
      Service current = service(name).orElseThrow();
      return add(current.withSpec(current.previousSpec(), nextVersion(), ++now));
    });
  }

  @Override
  public synchronized CompletableFuture<Outcome<Node>> updateNode(Command.UpdateNode update, Caller caller) {
    published.add(new Published("command", update.nodeId(), update, update.expectedVersion(), caller));
    return finish(caller, () -> {
      Node current = node(update.nodeId()).orElseThrow();
      return add(current.with(
          update.role() != null ? update.role() : current.role(),
          update.availability() != null ? update.availability() : current.availability(),
          update.labels() != null ? update.labels() : current.labels(),
          current.description(), current.status(), current.statusMessage(), ++now));
    });
  }

  @Override
  public synchronized CompletableFuture<Outcome<Node>> removeNode(String nodeId, boolean force, Caller caller) {
    published.add(new Published("command", nodeId, new Command.RemoveNode(nodeId, force), null, caller));
    return finish(caller, () -> nodes.remove(nodeId));
  }

  /** Like the orchestrator's cluster-wide index: above every version seen. */
  private long nextVersion() {
    return services.values().stream().mapToLong(Service::version).max().orElse(0) + 1;
  }

  private <T> CompletableFuture<Outcome<T>> finish(Caller caller, java.util.function.Supplier<T> apply) {
    return CompletableFuture.completedFuture(switch (mode) {
      case APPLY -> Outcome.applied(apply.get());
      case REJECT -> Outcome.rejected(rejectionCode, rejection);
      case PENDING -> Outcome.pending(caller.requestId(), "the orchestrator has not answered in time");
    });
  }
}
