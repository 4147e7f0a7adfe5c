package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.schemas.ClusterInfo;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.JoinTokens;
import dev.shoal.schemas.Node;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JoinTokenTopologyTest {
  private final byte[] secret = "test cluster secret".getBytes(StandardCharsets.UTF_8);
  private final DriverHarness h = new DriverHarness(JoinPolicy.tokens(secret));

  @AfterEach
  void stop() {
    h.close();
  }

  private String proof(String role, long generation, String nodeId) {
    return JoinTokens.proof(JoinTokens.token(secret, role, generation), nodeId);
  }

  @Test
  void aValidTokenJoinsWithItsRole() {
    h.heartbeatWithProof("w1", proof("worker", 1, "w1"));
    h.heartbeatWithProof("m1", proof("manager", 1, "m1"));
    assertThat(h.nodes.get("w1").role()).isEqualTo(Node.ROLE_WORKER);
    assertThat(h.nodes.get("m1").role()).isEqualTo(Node.ROLE_MANAGER);
  }

  @Test
  void aWrongOrMissingTokenIsRefusedAndTheAgentIsToldWhy() {
    h.heartbeatWithProof("bad", "not-a-proof");
    h.heartbeatWithProof("none", null);
    h.heartbeatWithProof("thief", proof("worker", 1, "someone-else"));
    assertThat(h.nodes).isEmpty();
    assertThat(h.assignments.get("bad").refusal()).contains("invalid or was rotated");
    assertThat(h.assignments.get("none").refusal()).contains("no join token given");
    assertThat(h.assignments.get("thief").refusal()).isNotNull();
    assertThat(h.eventTypes()).containsOnly("node.join-refused");
  }

  @Test
  void rotationRefusesTheOldTokenButKeepsJoinedNodes() {
    h.heartbeatWithProof("w1", proof("worker", 1, "w1"));
    h.command(new CommandEnvelope(new Command.RotateJoinToken("worker"), "admin", "r1", 0));
    assertThat(h.cluster.get(ClusterInfo.KEY).workerTokenGeneration()).isEqualTo(2);
    h.heartbeatWithProof("w2", proof("worker", 1, "w2"));
    assertThat(h.nodes).doesNotContainKey("w2");
    h.heartbeatWithProof("w3", proof("worker", 2, "w3"));
    assertThat(h.nodes).containsKey("w3");
    h.heartbeatWithProof("w1", proof("worker", 1, "w1"));
    assertThat(h.nodes.get("w1").status()).isEqualTo(Node.READY);
    h.command(new CommandEnvelope(new Command.RotateJoinToken("admin"), "admin", "r2", 0));
    assertThat(h.events).anyMatch(e -> e.type().equals("command.rejected") && e.message().contains("worker or manager"));
  }
}
