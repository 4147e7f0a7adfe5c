package dev.shoal.gateway.rest;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.ClusterBackend;
import dev.shoal.gateway.RouteTable;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.JoinTokens;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cluster-wide routes: the current join tokens and their rotation. Tokens are derived on demand
 * from the cluster secret and the generations the orchestrator publishes; none is stored.
 */
public final class SwarmRoutes implements RouteTable {
  private final ClusterBackend backend;
  private final byte[] clusterSecret;

  public SwarmRoutes(ClusterBackend backend, byte[] clusterSecret) {
    this.backend = backend;
    this.clusterSecret = clusterSecret == null ? null : clusterSecret.clone();
  }

  @Override
  public void addTo(JavalinDefaultRoutingApi routes) {
    routes.get("/v1/swarm/join-tokens", ctx -> ctx.json(tokens(backend.clusterInfo())));
    routes.post("/v1/swarm/join-tokens/rotate", this::rotate);
  }

  private void rotate(Context ctx) throws Exception {
    requireSecret();
    String role = ctx.queryParam("role");
    if (!JoinTokens.WORKER.equals(role) && !JoinTokens.MANAGER.equals(role)) {
      throw ApiException.badRequest("role query parameter must be worker or manager");
    }
    Caller caller = Requests.caller(ctx);
    Replies.reply(ctx, caller, backend.rotateJoinToken(role, caller), 200, this::tokens,
        "rotation of the " + role + " join token");
  }

  private Map<String, String> tokens(ClusterInfo info) {
    requireSecret();
    Map<String, String> out = new TreeMap<>();
    out.put(JoinTokens.WORKER, JoinTokens.token(clusterSecret, JoinTokens.WORKER, info.workerTokenGeneration()));
    out.put(JoinTokens.MANAGER, JoinTokens.token(clusterSecret, JoinTokens.MANAGER, info.managerTokenGeneration()));
    return out;
  }

  private void requireSecret() {
    if (clusterSecret == null) {
      throw ApiException.unavailable("join tokens are not enabled: this gateway has no cluster secret "
          + "(start it with --cluster-secret-file)");
    }
  }
}
