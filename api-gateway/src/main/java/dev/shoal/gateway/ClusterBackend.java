package dev.shoal.gateway;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the HTTP surfaces need from the cluster: reads of its current state and writes that publish
 * a change and report its {@link Outcome}. The REST routes and the Docker-compatible routes share
 * one backend, so nothing is decided or validated twice: the routes translate HTTP, the
 * orchestrator decides, and the backend waits for the orchestrator's verdict on this very request
 * (by its request id) before it answers.
 *
 * <p>Write futures never wait longer than the backend's apply timeout and complete off the thread
 * that feeds the state. An applied outcome is answered only once the read model shows the change,
 * so a client reads its own write right after the answer.
 */
public interface ClusterBackend {

  /** Every known service, in no particular order. */
  List<Service> services();

  /** A service by id, or by name regardless of case (as Swarm). */
  Optional<Service> service(String nameOrId);

  /** Every known task, in no particular order. */
  List<Task> tasks();

  /** The tasks of one service by its id, including tasks of a removed service still shutting down. */
  List<Task> tasksOfService(String serviceId);

  Optional<Task> task(String id);

  /** Every known node, in no particular order. */
  List<Node> nodes();

  /** A node by id or by hostname. */
  Optional<Node> node(String idOrHostname);

  /** The most recent events the backend keeps, oldest first. */
  List<ClusterEvent> events();

  /** Join-token generations as the orchestrator last published them. */
  ClusterInfo clusterInfo();

  /** Whether reads are current: the feed runs and is not behind by more than its bound. */
  Health health();

  /** Creates a service; rejected with {@code conflict} if one of that name (in any case) exists. */
  CompletableFuture<Outcome<Service>> createService(ServiceSpec spec, Caller caller);

  /** Replaces a service's spec; rejected with {@code conflict} unless it is at {@code expectedVersion}. */
  CompletableFuture<Outcome<Service>> updateService(ServiceSpec spec, long expectedVersion, Caller caller);

  /** Removes a service; applied (with the service as it last was) once the orchestrator removed it. */
  CompletableFuture<Outcome<Service>> removeService(String name, Caller caller);

  CompletableFuture<Outcome<Service>> scaleService(String name, int replicas, Caller caller);

  /** Rolls a service back to its previous spec; rejected with {@code conflict} unless at {@code expectedVersion} (when set). */
  CompletableFuture<Outcome<Service>> rollbackService(String name, Long expectedVersion, Caller caller);

  /** Changes a node's availability, role or labels (null fields stay); optional expected version inside. */
  CompletableFuture<Outcome<Node>> updateNode(Command.UpdateNode update, Caller caller);

  /** Forgets a node; without {@code force} only a node that is down. */
  CompletableFuture<Outcome<Node>> removeNode(String nodeId, boolean force, Caller caller);

  /** Replaces the join token of {@code role}. */
  CompletableFuture<Outcome<ClusterInfo>> rotateJoinToken(String role, Caller caller);

  /** The read side's health: {@code reason} says why it is not {@code ok}. */
  record Health(boolean ok, String reason, long behindRecords) {
    public static Health ok(long behind) {
      return new Health(true, null, behind);
    }

    public static Health failing(String reason, long behind) {
      return new Health(false, reason, behind);
    }
  }
}
