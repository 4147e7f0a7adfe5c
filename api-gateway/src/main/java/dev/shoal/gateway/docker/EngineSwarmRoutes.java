package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /swarm}: the cluster and its join tokens ({@code docker swarm join-token}), token rotation
 * through {@code POST /swarm/update?rotateWorkerToken=true}, and clear refusals for the commands
 * that are not how a Shoal cluster is formed: {@code init}, {@code join}, {@code leave} and
 * {@code unlock}. Tokens are derived from the cluster secret, as on {@code /v1/swarm/join-tokens}.
 */
final class EngineSwarmRoutes {
  private static final String HOW_SHOAL_FORMS = "a Shoal cluster is its Kafka control plane: it starts with "
      + "`shoal dev`, or `shoal orchestrator` and `shoal gateway` against a Kafka cluster";
  private static final String HOW_NODES_JOIN = "a machine joins by running a Shoal agent: `shoal agent "
      + "--bootstrap-servers <kafka> --join-token <token> --hostname <name> --data-dir <dir>` "
      + "(`docker swarm join-token -q worker` prints the token)";

  private final ClusterBackend backend;
  private final ControlPlane controlPlane;
  private final byte[] clusterSecret;

  EngineSwarmRoutes(ClusterBackend backend, ControlPlane controlPlane, byte[] clusterSecret) {
    this.backend = backend;
    this.controlPlane = controlPlane;
    this.clusterSecret = clusterSecret == null ? null : clusterSecret.clone();
  }

  void addTo(EngineRouter engine) {
    engine.get("/swarm", ctx -> DockerJson.send(ctx, swarm(backend.clusterInfo())));
    engine.post("/swarm/update", this::update);
    engine.post("/swarm/init", ctx -> {
      throw new ApiException(503, "This node is already part of a swarm: " + HOW_SHOAL_FORMS + "; " + HOW_NODES_JOIN);
    });
    engine.post("/swarm/join", ctx -> {
      throw new ApiException(501, "not supported: docker swarm join; " + HOW_NODES_JOIN);
    });
    engine.post("/swarm/leave", ctx -> {
      throw new ApiException(501, "not supported: docker swarm leave; an agent leaves when it stops, and "
          + "`docker node rm` forgets it once it is down");
    });
    engine.post("/swarm/unlock", ctx -> {
      throw new ApiException(501, "not supported: Shoal has no autolock; protect the cluster secret file instead");
    });
    engine.get("/swarm/unlockkey", ctx -> {
      throw new ApiException(501, "not supported: Shoal has no autolock; protect the cluster secret file instead");
    });
  }

  private ObjectNode swarm(ClusterInfo info) {
    requireSecret();
    return SwarmObjects.swarm(controlPlane, info,
        JoinTokens.token(clusterSecret, JoinTokens.WORKER, info.workerTokenGeneration()),
        JoinTokens.token(clusterSecret, JoinTokens.MANAGER, info.managerTokenGeneration()));
  }

  private void update(Context ctx) {
    requireSecret();
    ClusterInfo info = backend.clusterInfo();
    String version = ctx.queryParam("version");
    if (version == null || !version.trim().equals(Long.toString(SwarmObjects.versionOf(info)))) {
      throw new ApiException(500, EngineReplies.OUT_OF_SEQUENCE);
    }
    if (flag(ctx, "rotateManagerUnlockKey")) {
      throw ApiException.badRequest("not supported: rotateManagerUnlockKey (Shoal has no autolock)");
    }
    if (!SwarmObjects.sameIgnoringZeros(DockerJson.body(ctx), SwarmObjects.spec())) {
      throw ApiException.badRequest("not supported: changing the swarm spec (Shoal's settings are options of its "
          + "components); only join-token rotation is taken here");
    }
    List<String> roles = new ArrayList<>();
    if (flag(ctx, "rotateWorkerToken")) {
      roles.add(JoinTokens.WORKER);
    }
    if (flag(ctx, "rotateManagerToken")) {
      roles.add(JoinTokens.MANAGER);
    }
    if (roles.isEmpty()) {
      EngineReplies.empty(ctx);
      return;
    }
    Caller caller = dev.shoal.gateway.RequestCaller.of(ctx);
    EngineReplies.answer(ctx, caller, rotate(roles, caller), EngineReplies.Refusal.byCode(),
        (c, i) -> EngineReplies.empty(c), EngineReplies::accepted);
  }

  /** Rotates each role in turn; the first outcome that is not applied is the answer. */
  private CompletableFuture<Outcome<ClusterInfo>> rotate(List<String> roles, Caller caller) {
    CompletableFuture<Outcome<ClusterInfo>> chain = backend.rotateJoinToken(roles.get(0), caller);
    for (String role : roles.subList(1, roles.size())) {
      chain = chain.thenCompose(o -> o instanceof Outcome.Applied<ClusterInfo>
          ? backend.rotateJoinToken(role, Caller.of(caller.principal())) : CompletableFuture.completedFuture(o));
    }
    return chain;
  }

  private static boolean flag(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return "true".equals(v) || "1".equals(v);
  }

  private void requireSecret() {
    if (clusterSecret == null) {
      throw ApiException.unavailable("join tokens are not enabled: this gateway has no cluster secret "
          + "(start it with --cluster-secret-file)");
    }
  }
}
