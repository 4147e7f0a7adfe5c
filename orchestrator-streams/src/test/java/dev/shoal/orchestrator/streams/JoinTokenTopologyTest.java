package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeSignatures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JoinTokenTopologyTest {
  private final byte[] secret = "test cluster secret".getBytes(StandardCharsets.UTF_8);
  private final DriverHarness h = new DriverHarness(JoinPolicy.tokens(secret));

  @AfterEach
  void stop() {
    h.close();
  }

  private String token(String role, long generation) {
    return JoinTokens.token(secret, role, generation);
  }

  @Test
  void aValidTokenJoinsWithItsRole() {
    h.heartbeatWithToken("w1", token("worker", 1));
    h.heartbeatWithToken("m1", token("manager", 1));
    assertThat(h.nodes.get("w1").role()).isEqualTo(Node.ROLE_WORKER);
    assertThat(h.nodes.get("m1").role()).isEqualTo(Node.ROLE_MANAGER);
  }

  @Test
  void aWrongOrMissingTokenIsRefusedAndTheAgentIsToldWhy() {
    h.heartbeatWithToken("bad", JoinTokens.token("another secret".getBytes(StandardCharsets.UTF_8), "worker", 1));
    h.heartbeatWithToken("none", null);
    // A proof copied from another node's heartbeat, sent with the thief's own key.
    var victim = h.nodeKeys.sign(h.unsignedHeartbeat("victim", List.of("process"), null), token("worker", 1));
    h.rawHeartbeat("thief", Json.toString(NodeSignatures.sign(new NodeHeartbeat("thief", 1, victim.description(),
        List.of(), victim.timestamp(), victim.joinProof(), 1L, h.nodeKeys.publicKey("thief"), null),
        h.nodeKeys.keys("thief").getPrivate())));
    assertThat(h.nodes).isEmpty();
    assertThat(h.assignments.get("bad").refusal()).contains("invalid or was rotated");
    assertThat(h.assignments.get("none").refusal()).contains("no join token given");
    assertThat(h.assignments.get("thief").refusal()).isNotNull();
    assertThat(h.eventTypes()).containsOnly("node.join-refused");
  }

  @Test
  void rotationRefusesTheOldTokenButKeepsJoinedNodes() {
    h.heartbeatWithToken("w1", token("worker", 1));
    h.command(new CommandEnvelope(new Command.RotateJoinToken("worker"), "admin", "r1", 0));
    assertThat(h.cluster.get(ClusterInfo.KEY).workerTokenGeneration()).isEqualTo(2);
    h.heartbeatWithToken("w2", token("worker", 1));
    assertThat(h.nodes).doesNotContainKey("w2");
    h.heartbeatWithToken("w3", token("worker", 2));
    assertThat(h.nodes).containsKey("w3");
    h.heartbeatWithToken("w1", token("worker", 1));
    assertThat(h.nodes.get("w1").status()).isEqualTo(Node.READY);
    h.command(new CommandEnvelope(new Command.RotateJoinToken("admin"), "admin", "r2", 0));
    assertThat(h.events).anyMatch(e -> e.type().equals("command.rejected") && e.message().contains("worker or manager"));
  }
}
