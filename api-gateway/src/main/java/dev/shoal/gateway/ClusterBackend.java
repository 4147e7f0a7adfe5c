package dev.shoal.gateway;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the HTTP routes need from the cluster: reads of its current state and writes that publish
 * a change and report its {@link Outcome}. The routes check preconditions (existence, versions)
 * and shape responses; a backend only reads and publishes, so the REST routes and the
 * Docker-compatible routes share one. Write futures never wait longer than the backend's apply
 * timeout and complete off the thread that feeds the state.
 */
public interface ClusterBackend {

  /** Every known service, in no particular order. */
  List<Service> services();

  /** A service by name or by id. */
  Optional<Service> service(String nameOrId);

  /** Every known task, in no particular order. */
  List<Task> tasks();

  Optional<Task> task(String id);

  /** Every known node, in no particular order. */
  List<Node> nodes();

  /** A node by id or by hostname. */
  Optional<Node> node(String idOrHostname);

  /** The most recent events the backend keeps, oldest first. */
  List<ClusterEvent> events();

  /**
   * Publishes a normalised spec. With {@code expectedVersion} null it creates the service and is
   * applied once the service exists; otherwise it updates and is applied once the service's
   * version exceeds {@code expectedVersion}.
   */
  CompletableFuture<Outcome<Service>> applySpec(ServiceSpec spec, Long expectedVersion, Caller caller);

  /** Publishes the removal of a service; applied (with the service as it last was) once it is gone. */
  CompletableFuture<Outcome<Service>> removeService(Service current, Caller caller);

  /** Publishes a scale command; applied once the service's version exceeds {@code current}'s. */
  CompletableFuture<Outcome<Service>> scaleService(Service current, int replicas, Caller caller);

  /** Join-token generations as the orchestrator last published them. */
  dev.shoal.schemas.ClusterInfo clusterInfo();

  /** Publishes a join-token rotation; applied once the role's generation exceeds {@code current}'s. */
  CompletableFuture<Outcome<dev.shoal.schemas.ClusterInfo>> rotateJoinToken(String role,
      dev.shoal.schemas.ClusterInfo current, Caller caller);

  /** Publishes a rollback command; applied once the service's version exceeds {@code current}'s. */
  CompletableFuture<Outcome<Service>> rollbackService(Service current, Caller caller);

  /** Publishes a node update; applied once the node's version exceeds {@code current}'s. */
  CompletableFuture<Outcome<Node>> updateNode(Node current, Command.UpdateNode update, Caller caller);
}
