package dev.shoal.gateway.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.Http;
import dev.shoal.schemas.JoinTokens;
import org.junit.jupiter.api.Test;

class EngineSwarmRoutesTest extends EngineRoutesTestBase {
  @Test
  void joinTokensAreTheClustersDerivedTokens() {
    JsonNode swarm = http.get("/v1.41/swarm").json();
    assertThat(swarm.get("JoinTokens").get("Worker").asText()).isEqualTo(JoinTokens.token(SECRET, "worker", 1));
    assertThat(swarm.get("JoinTokens").get("Manager").asText()).isEqualTo(JoinTokens.token(SECRET, "manager", 1));
    assertThat(swarm.get("Version").get("Index").asLong()).isEqualTo(2);
  }

  @Test
  void rotationSendsTheSpecBackWithTheVersion() {
    // 11: POST /swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false&rotateWorkerToken=true&version=N
    JsonNode swarm = http.get("/v1.41/swarm").json();
    String body = swarm.get("Spec").toString();
    Http.Response r = http.post("/v1.41/swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false"
        + "&rotateWorkerToken=true&version=2", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(backend.writes()).containsExactly("rotate worker");
    JsonNode after = http.get("/v1.41/swarm").json();
    assertThat(after.get("JoinTokens").get("Worker").asText()).isEqualTo(JoinTokens.token(SECRET, "worker", 2));
    assertThat(after.get("Version").get("Index").asLong()).isEqualTo(3);
    Http.Response stale = http.post("/v1.41/swarm/update?rotateWorkerToken=true&version=2", body);
    assertThat(stale.status()).isEqualTo(500);
    assertThat(stale.message()).isEqualTo("rpc error: code = Unknown desc = update out of sequence");
  }

  @Test
  void theSpecGoOfferedBackWithGosZeroValuesIsTheSameSpec() {
    String goStyle = "{\"Name\":\"default\",\"Labels\":{},\"Orchestration\":{\"TaskHistoryRetentionLimit\":null},"
        + "\"Raft\":{\"SnapshotInterval\":0,\"KeepOldSnapshots\":null,\"LogEntriesForSlowFollowers\":0,"
        + "\"ElectionTick\":0,\"HeartbeatTick\":0},\"Dispatcher\":{},\"CAConfig\":{},\"TaskDefaults\":{},"
        + "\"EncryptionConfig\":{\"AutoLockManagers\":false}}";
    assertThat(http.post("/v1.41/swarm/update?rotateManagerToken=true&version=2", goStyle).status()).isEqualTo(200);
    assertThat(backend.writes()).containsExactly("rotate manager");
  }

  @Test
  void changingSwarmSettingsIsNotSupported() {
    ObjectNode spec = (ObjectNode) http.get("/v1.41/swarm").json().get("Spec");
    ((ObjectNode) spec.get("Raft")).put("SnapshotInterval", 5000);
    Http.Response r = http.post("/v1.41/swarm/update?version=2", spec.toString());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).startsWith("not supported: changing the swarm spec");
  }

  @Test
  void initAndJoinSayHowShoalDoesIt() {
    Http.Response init = http.post("/v1.41/swarm/init", "{\"ListenAddr\":\"0.0.0.0:2377\"}");
    assertThat(init.status()).isEqualTo(503);
    assertThat(init.message()).contains("shoal dev").contains("shoal agent");
    Http.Response join = http.post("/v1.41/swarm/join", "{\"JoinToken\":\"x\",\"RemoteAddrs\":[\"a:2377\"]}");
    assertThat(join.status()).isEqualTo(501);
    assertThat(join.message()).contains("--join-token");
  }
}
