package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.NodeHeartbeat;
import dev.shoal.schemas.NodeResources;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node speaks only for itself: heartbeats and task statuses that are not signed by their node, or
 * are copies of ones already counted, become rejection events and change nothing — a node nobody
 * but an impostor speaks for goes down.
 */
class NodeIdentityTopologyTest {
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":2}";
  private final DriverHarness h = new DriverHarness();
  private final KeyPair impostor = NodeSignatures.newKeyPair();

  @BeforeEach
  void twoNodes() {
    h.heartbeat("n1");
    h.heartbeat("n2");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private NodeHeartbeat signedHeartbeat(String nodeId) {
    return h.nodeKeys.sign(h.unsignedHeartbeat(nodeId, List.of("process"), new NodeResources(4, 8L << 30)), null);
  }

  private List<ClusterEvent> rejected(String type) {
    return h.events.stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void theJoinRecordsTheNodesKey() {
    assertThat(h.nodes.get("n1").publicKey()).isEqualTo(h.nodeKeys.publicKey("n1"));
  }

  @Test
  void forgedHeartbeatsAreRejectedAndDoNotKeepADeadNodeUp() {
    NodeHeartbeat real = signedHeartbeat("n1");
    NodeHeartbeat otherKey = NodeSignatures.sign(new NodeHeartbeat("n1", 1_000, real.description(), List.of(),
        real.timestamp(), null, 99L, NodeSignatures.encode(impostor.getPublic()), null), impostor.getPrivate());
    NodeHeartbeat ownKeyBadSignature = NodeSignatures.sign(new NodeHeartbeat("n1", 1_000, real.description(),
        List.of(), real.timestamp(), null, 99L, h.nodeKeys.publicKey("n1"), null), impostor.getPrivate());
    NodeHeartbeat unsigned = new NodeHeartbeat("n1", 1_000, real.description(), List.of(), real.timestamp());
    // Only the impostor speaks for n1 from now on; n2 goes on beating.
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      h.rawHeartbeat("n1", Json.toString(List.of(otherKey, ownKeyBadSignature, unsigned).get(i % 3)));
    }
    assertThat(rejected("heartbeat.rejected")).hasSize(8).allSatisfy(e -> {
      assertThat(e.entityId()).isEqualTo("n1");
      assertThat(e.attributes()).containsEntry("code", "forbidden");
    }).extracting(ClusterEvent::message).anyMatch(m -> m.contains("signed with a key other than the node's"))
        .anyMatch(m -> m.contains("signature that does not verify")).anyMatch(m -> m.contains("unsigned heartbeat"));
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
    assertThat(h.nodes.get("n2").status()).isEqualTo(Node.READY);
    assertThat(h.nodes.get("n1").publicKey()).isEqualTo(h.nodeKeys.publicKey("n1"));
  }

  @Test
  void aCopiedHeartbeatIsAReplayAndDoesNotCount() {
    NodeHeartbeat last = signedHeartbeat("n1");
    h.rawHeartbeat("n1", Json.toString(last));
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2");
      h.rawHeartbeat("n1", Json.toString(last));
    }
    assertThat(rejected("heartbeat.rejected")).hasSize(8)
        .allSatisfy(e -> assertThat(e.message()).contains("replayed heartbeat for node n1"));
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
  }

  @Test
  void aHeartbeatSentLongBeforeTheBrokerStoredItIsRefused() {
    NodeHeartbeat kept = signedHeartbeat("n1");
    h.advance(HeartbeatCheck.MAX_SKEW.plusSeconds(1));
    h.rawHeartbeat("n1", Json.toString(kept));
    assertThat(rejected("heartbeat.rejected")).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("a stale copy, or the node's clock is off"));
  }

  @Test
  void aRestartedAgentIsBackWithANewBoot() {
    for (int i = 0; i < 8; i++) {
      h.advance(Duration.ofMillis(500));
      h.heartbeat("n2"); // another node beats on: n1's silence is its own
    }
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.DOWN);
    h.nodeKeys.restart("n1");
    h.heartbeat("n1");
    assertThat(h.nodes.get("n1").status()).isEqualTo(Node.READY);
    assertThat(rejected("heartbeat.rejected")).isEmpty();
  }

  @Test
  void aNodeUpWithAnotherKeyForAKnownNodeIsRefusedByTheDecision() {
    // What liveness forwards when it does not know the node's key yet: the decision checks it again.
    ControlMessage forged = new ControlMessage.NodeUp("n1", null, null, null, NodeSignatures.encode(impostor.getPublic()));
    h.rawLiveness("n1", Json.toString(forged));
    assertThat(Json.toString(forged)).contains("\"kind\":\"node-up\"");
    assertThat(rejected("heartbeat.rejected")).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("signed with a key other than the node's"));
    assertThat(h.nodes.get("n1").publicKey()).isEqualTo(h.nodeKeys.publicKey("n1"));
  }

  @Test
  void taskStatusesMustBeSignedByTheirNodeAndNotCopies() {
    h.spec("web", WEB);
    Task t = h.runningDesired("web").get(0);
    TaskStatus running = new TaskStatus(t.id(), t.nodeId(), TaskState.RUNNING, "running", null, null, null, null,
        null, null, 0);
    TaskStatus failed = new TaskStatus(t.id(), t.nodeId(), TaskState.FAILED, "forged", "forged", 1, null, null, null,
        null, 0);
    String other = t.nodeId().equals("n1") ? "n2" : "n1";

    h.rawStatus(t.id(), Json.toString(failed));
    h.rawStatus(t.id(), Json.toString(NodeSignatures.sign(failed.withOrder(9, 9), h.nodeKeys.keys(other).getPrivate())));
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.ASSIGNED);

    TaskStatus signedRunning = h.nodeKeys.sign(running);
    h.rawStatus(t.id(), Json.toString(signedRunning));
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.RUNNING);
    h.reportHealth(t, "unhealthy");
    h.rawStatus(t.id(), Json.toString(signedRunning)); // a copy would flip the health back
    assertThat(h.tasks.get(t.id()).status().health()).isEqualTo("unhealthy");

    assertThat(rejected("task-status.rejected")).hasSize(3).allSatisfy(e -> {
      assertThat(e.entityId()).isEqualTo(t.id());
      assertThat(e.attributes()).containsEntry("code", "forbidden");
    }).extracting(ClusterEvent::message).satisfiesExactly(
        m -> assertThat(m).startsWith("unsigned task status"),
        m -> assertThat(m).contains("is not signed by node " + t.nodeId() + "'s key"),
        m -> assertThat(m).startsWith("replayed task status"));
  }
}
