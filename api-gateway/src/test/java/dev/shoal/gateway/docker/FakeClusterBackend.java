package dev.shoal.gateway.docker;

import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.RejectionCode;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.UpdateStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ClusterBackend} in memory for the engine routes' tests, deciding as the orchestrator's
 * contract says (a taken name and a stale version are conflicts, versions are one cluster-wide
 * index), and recording every write it was asked for, so a test can check that the routes pass
 * requests through instead of deciding themselves.
 */
final class FakeClusterBackend implements ClusterBackend {
  final Map<String, Service> services = new ConcurrentHashMap<>();
  final Map<String, Task> tasks = new ConcurrentHashMap<>();
  final Map<String, Node> nodes = new ConcurrentHashMap<>();
  final List<String> writes = new CopyOnWriteArrayList<>();
  final AtomicLong index = new AtomicLong(10);
  volatile ClusterInfo cluster = ClusterInfo.INITIAL;
  volatile Health health = Health.ok(0);
  /** When set, the next write is published but its verdict not seen. */
  volatile boolean nextPending;
  volatile long now = 1_700_000_000_000L;

  Service put(ServiceSpec spec) {
    String id = EngineIds.of("service", spec.name());
    Service s = new Service(id, spec.name(), index.incrementAndGet(), spec.withDefaults(), null, null, now, now);
    services.put(id, s);
    return s;
  }

  Node put(Node n) {
    nodes.put(n.id(), n);
    return n;
  }

  Task put(Task t) {
    tasks.put(t.id(), t);
    return t;
  }

  @Override
  public List<Service> services() {
    return List.copyOf(services.values());
  }

  @Override
  public Optional<Service> service(String nameOrId) {
    Service byId = services.get(nameOrId);
    if (byId != null) {
      return Optional.of(byId);
    }
    return services.values().stream().filter(s -> s.name().equalsIgnoreCase(nameOrId)).findFirst();
  }

  @Override
  public List<Task> tasks() {
    return List.copyOf(tasks.values());
  }

  @Override
  public List<Task> tasksOfService(String serviceId) {
    return tasks.values().stream().filter(t -> serviceId.equals(t.serviceId())).toList();
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
        : nodes.values().stream().filter(n -> idOrHostname.equals(n.hostname())).findFirst();
  }

  @Override
  public List<ClusterEvent> events() {
    return List.of();
  }

  @Override
  public ClusterInfo clusterInfo() {
    return cluster;
  }

  @Override
  public Health health() {
    return health;
  }

  private <T> CompletableFuture<Outcome<T>> verdict(String what, Caller caller, java.util.function.Supplier<Outcome<T>> decide) {
    writes.add(what);
    if (nextPending) {
      nextPending = false;
      return CompletableFuture.completedFuture(Outcome.pending(caller.requestId(), "the read model did not show it"));
    }
    return CompletableFuture.completedFuture(decide.get());
  }

  @Override
  public CompletableFuture<Outcome<Service>> createService(ServiceSpec spec, Caller caller) {
    return verdict("create " + spec.name(), caller, () -> {
      if (service(spec.name()).isPresent()) {
        return Outcome.rejected(RejectionCode.CONFLICT, "service " + spec.name() + " already exists");
      }
      return Outcome.applied(put(spec));
    });
  }

  @Override
  public CompletableFuture<Outcome<Service>> updateService(ServiceSpec spec, long expectedVersion, Caller caller) {
    return verdict("update " + spec.name() + " at " + expectedVersion, caller, () -> {
      Optional<Service> cur = service(spec.name());
      if (cur.isEmpty()) {
        return Outcome.rejected(RejectionCode.NOT_FOUND, "service " + spec.name() + " not found");
      }
      Service s = cur.get();
      if (s.version() != expectedVersion) {
        return Outcome.rejected(RejectionCode.CONFLICT, "version " + expectedVersion + " is stale");
      }
      Service next = new Service(s.id(), s.name(), index.incrementAndGet(), spec, s.spec(), s.updateStatus(),
          s.createdAt(), now);
      services.put(s.id(), next);
      return Outcome.applied(next);
    });
  }

  @Override
  public CompletableFuture<Outcome<Service>> removeService(String name, Caller caller) {
    return verdict("remove " + name, caller, () -> {
      Optional<Service> cur = service(name);
      if (cur.isEmpty()) {
        return Outcome.rejected(RejectionCode.NOT_FOUND, "service " + name + " not found");
      }
      services.remove(cur.get().id());
      return Outcome.applied(cur.get());
    });
  }

  @Override
  public CompletableFuture<Outcome<Service>> scaleService(String name, int replicas, Caller caller) {
    return verdict("scale " + name + " to " + replicas, caller, () -> {
      Service s = service(name).orElseThrow();
      Service next = new Service(s.id(), s.name(), index.incrementAndGet(), s.spec().withReplicas(replicas), s.spec(),
          s.updateStatus(), s.createdAt(), now);
      services.put(s.id(), next);
      return Outcome.applied(next);
    });
  }

  @Override
  public CompletableFuture<Outcome<Service>> rollbackService(String name, Long expectedVersion, Caller caller) {
    return verdict("rollback " + name, caller, () -> {
      Service s = service(name).orElseThrow();
      if (expectedVersion != null && expectedVersion != s.version()) {
        return Outcome.rejected(RejectionCode.CONFLICT, "update out of sequence");
      }
      if (s.previousSpec() == null) {
        return Outcome.rejected(RejectionCode.INVALID, "service " + name + " has no previous spec");
      }
      Service next = new Service(s.id(), s.name(), index.incrementAndGet(), s.previousSpec(), s.spec(),
          new UpdateStatus(UpdateStatus.ROLLBACK_STARTED, "rollback in progress", now, null), s.createdAt(), now);
      services.put(s.id(), next);
      return Outcome.applied(next);
    });
  }

  @Override
  public CompletableFuture<Outcome<Node>> updateNode(Command.UpdateNode u, Caller caller) {
    return verdict("update node " + u.nodeId() + " at " + u.expectedVersion() + ": availability " + u.availability()
        + ", role " + u.role() + ", labels " + u.labels(), caller, () -> {
      Node n = nodes.get(u.nodeId());
      if (n == null) {
        return Outcome.rejected(RejectionCode.NOT_FOUND, "node " + u.nodeId() + " not found");
      }
      if (u.expectedVersion() != null && u.expectedVersion() != n.version()) {
        return Outcome.rejected(RejectionCode.CONFLICT, "version " + u.expectedVersion() + " is stale");
      }
      if (u.availability() != null && !List.of("active", "pause", "drain").contains(u.availability())) {
        return Outcome.rejected(RejectionCode.INVALID, "availability must be active, pause or drain, not "
            + u.availability());
      }
      Node next = new Node(n.id(), index.incrementAndGet(), u.role() != null ? u.role() : n.role(),
          u.availability() != null ? u.availability() : n.availability(),
          u.labels() != null ? new TreeMap<>(u.labels()) : n.labels(), n.description(), n.status(),
          n.statusMessage(), n.createdAt(), now);
      nodes.put(n.id(), next);
      return Outcome.applied(next);
    });
  }

  @Override
  public CompletableFuture<Outcome<Node>> removeNode(String nodeId, boolean force, Caller caller) {
    return verdict("remove node " + nodeId + (force ? " (force)" : ""), caller, () -> {
      Node n = nodes.get(nodeId);
      if (n == null) {
        return Outcome.rejected(RejectionCode.NOT_FOUND, "node " + nodeId + " not found");
      }
      if (n.isReady() && !force) {
        return Outcome.rejected(RejectionCode.INVALID, "node " + n.hostname() + " is not down and can't be removed");
      }
      nodes.remove(nodeId);
      return Outcome.applied(n);
    });
  }

  @Override
  public CompletableFuture<Outcome<ClusterInfo>> rotateJoinToken(String role, Caller caller) {
    return verdict("rotate " + role, caller, () -> {
      cluster = cluster.rotated(role.toLowerCase(Locale.ROOT), now);
      return Outcome.applied(cluster);
    });
  }

  List<String> writes() {
    return new ArrayList<>(writes);
  }
}
