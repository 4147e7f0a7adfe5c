package dev.shoal.gateway.docker;

import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.gateway.logs.LogService;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;

/**
 * The Docker Engine API surface of the gateway: the swarm subset of API 1.41 that the docker CLI
 * ({@code docker service|node|stack|swarm ...}) and docker-java use, so that
 * {@code DOCKER_HOST=tcp://<gateway>} drives Shoal. It is a second face of the same
 * {@link ClusterBackend} as {@code /v1}: specs are translated to Shoal's and validated by the same
 * validator, and every decision is the orchestrator's. Route tables per resource, as moby's
 * {@code daemon/server/router/swarm}: system, services, tasks, nodes, swarm, networks, secrets, and
 * a clear refusal for what belongs to one node's engine (containers, images, volumes).
 */
public final class DockerEngineApi implements RouteTable {
  private final ClusterBackend backend;
  private final ControlPlane controlPlane;
  private final byte[] clusterSecret;
  private final StackNetworkRegistry networks = new StackNetworkRegistry();
  private final Clock clock;
  private final LogService logs;

  /**
   * @param topicPrefix the cluster's topic prefix and {@code clusterSecret} its secret (null without
   *     one): together they derive the cluster id every gateway of the cluster shows
   */
  public DockerEngineApi(ClusterBackend backend, String topicPrefix, byte[] clusterSecret, Clock clock) {
    this(backend, topicPrefix, clusterSecret, clock, null);
  }

  /** As above, serving service and task logs through {@code logs} (null: they answer 501). */
  public DockerEngineApi(ClusterBackend backend, String topicPrefix, byte[] clusterSecret, Clock clock,
                         LogService logs) {
    this.logs = logs;
    this.backend = backend;
    this.clusterSecret = clusterSecret == null ? null : clusterSecret.clone();
    this.clock = clock;
    this.controlPlane = new ControlPlane(ControlPlane.clusterIdOf(topicPrefix, clusterSecret), clock.millis());
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    EngineRouter engine = new EngineRouter(routes);
    EngineLookup lookup = new EngineLookup(backend, controlPlane);
    new EngineSystemRoutes(backend, controlPlane, clock).addTo(routes, engine);
    new EngineServiceRoutes(backend, lookup, logs).addTo(engine);
    new EngineTaskRoutes(backend, lookup, logs).addTo(engine);
    new EngineNodeRoutes(backend, lookup, controlPlane).addTo(engine);
    new EngineSwarmRoutes(backend, controlPlane, clusterSecret).addTo(engine);
    new EngineNetworkRoutes(backend, controlPlane, networks, clock).addTo(engine);
    new EngineSecretRoutes().addTo(engine);
    new EngineNodeLocalRoutes().addTo(engine);
  }
}
