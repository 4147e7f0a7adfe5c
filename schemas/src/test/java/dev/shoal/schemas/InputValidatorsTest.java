package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validators every door shares, each limit tried with input just over it. */
class InputValidatorsTest {
  private static CommandEnvelope env(Command c) {
    return new CommandEnvelope(c, "alice", "r-1", 0);
  }

  @Test
  void commands() {
    assertThat(CommandValidator.validate(env(new Command.ScaleService("web", Limits.MAX_REPLICAS))).valid()).isTrue();
    assertThat(CommandValidator.validate(env(new Command.ScaleService("web", Limits.MAX_REPLICAS + 1))).reason())
        .contains("between 0 and 10000");
    assertThat(CommandValidator.validate(env(new Command.ScaleService("web", -1))).valid()).isFalse();
    assertThat(CommandValidator.validate(env(new Command.ScaleService("../x", 1))).reason()).contains("invalid service name");
    assertThat(CommandValidator.validate(env(new Command.UpdateNode("n1", "banana", null, null, null))).reason())
        .contains("availability");
    assertThat(CommandValidator.validate(env(new Command.UpdateNode("n1", null, null, Map.of("zone", "ü"), null))).reason())
        .contains("may only contain");
    assertThat(CommandValidator.validate(env(new Command.UpdateNode("n1", null, null, null, null))).reason())
        .contains("nothing to change");
    assertThat(CommandValidator.validate(env(new Command.RotateJoinToken("admin"))).valid()).isFalse();
    assertThat(CommandValidator.validate(new CommandEnvelope(new Command.RollbackService("web"), "a b", "r", 0)).valid())
        .isFalse();
    assertThat(CommandValidator.validate(new CommandEnvelope(null, "a", "r", 0)).valid()).isFalse();
  }

  @Test
  void statusTextsAreCutNotRefused() {
    TaskStatus s = new TaskStatus("t1", "n1", TaskState.FAILED, "m".repeat(Limits.MAX_STATUS_TEXT + 1),
        "e".repeat(Limits.MAX_STATUS_TEXT), 1, null, null, null, null, 0);
    Validated<TaskStatus> v = TaskStatusValidator.validate(s);
    assertThat(v.valid()).isTrue();
    assertThat(v.value().message()).hasSize(Limits.MAX_STATUS_TEXT).endsWith("…");
    assertThat(v.value().error()).hasSize(Limits.MAX_STATUS_TEXT).doesNotEndWith("…");
    assertThat(TaskStatusValidator.validate(TaskStatus.of("t1", null, TaskState.RUNNING, "x", 0)).valid()).isFalse();
    assertThat(TaskStatusValidator.validate(TaskStatus.of("t/1", "n1", TaskState.RUNNING, "x", 0)).valid()).isFalse();
    assertThat(TaskStatusValidator.validate(TaskStatus.of("t".repeat(129), "n1", TaskState.RUNNING, "x", 0)).valid())
        .isFalse();
  }

  @Test
  void heartbeats() {
    NodeDescription d = new NodeDescription("h", "127.0.0.1", new NodeResources(1, 1), List.of("process"),
        Map.of(), "linux", "amd64", null, "process");
    assertThat(HeartbeatValidator.validate(new NodeHeartbeat("n1", 1, d, List.of(), 0), "n1").valid()).isTrue();
    assertThat(HeartbeatValidator.validate(new NodeHeartbeat("n1", 1, d, List.of(), 0), "n2").reason())
        .contains("key and nodeId differ");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= Limits.MAX_HEARTBEAT_TASKS; i++) {
      ids.add("t" + i);
    }
    assertThat(HeartbeatValidator.validate(new NodeHeartbeat("n1", 1, d, ids, 0), "n1").reason()).contains("at most");
    NodeDescription badLabels = new NodeDescription("h", null, null, null, Map.of("k", "ü"), null, null, null, null);
    assertThat(HeartbeatValidator.validate(new NodeHeartbeat("n1", 1, badLabels, List.of(), 0), "n1").reason())
        .contains("engine labels");
    NodeDescription negative = new NodeDescription("h", null, new NodeResources(-1, 0), null, null, null, null, null, null);
    assertThat(HeartbeatValidator.validate(new NodeHeartbeat("n1", 1, negative, List.of(), 0), "n1").valid()).isFalse();
  }

  private static final String ELEMENT = "Zmh6rfhivXdsj8GLjp-OIAiXFIVu4jOzkCpZHQ1fKSU"; // 32 bytes, 43 characters

  private static String reason(NodeHeartbeat hb) {
    Validated<NodeHeartbeat> v = HeartbeatValidator.validate(hb, "n1");
    return v.valid() ? "valid" : v.reason();
  }

  private static NodeHeartbeat anchor(String top, Integer length, Long interval) {
    return new NodeHeartbeat("n1", 0, null, null, 0, null, 1L, "key", top, length, interval, null, null, "sig");
  }

  private static NodeHeartbeat chained(String element, Integer index) {
    return new NodeHeartbeat("n1", 1, null, null, 0, null, 1L, null, null, null, null, element, index, null);
  }

  @Test
  void heartbeatChainFieldsHaveLimits() {
    assertThat(reason(anchor(ELEMENT, 1, 1L))).isEqualTo("valid");
    assertThat(reason(anchor(ELEMENT, 100_000, 3_600_000L))).isEqualTo("valid");
    assertThat(reason(anchor(ELEMENT, 100_001, 1_000L))).contains("chainLength must be 1 to 100000");
    assertThat(reason(anchor(ELEMENT, 0, 1_000L))).contains("chainLength must be 1 to 100000");
    assertThat(reason(anchor(ELEMENT, 600, 3_600_001L))).contains("chainIntervalMs must be 1 to 3600000");
    assertThat(reason(anchor(ELEMENT, 600, 0L))).contains("chainIntervalMs must be 1 to 3600000");
    assertThat(reason(anchor(ELEMENT + "A", 600, 1_000L))).contains("chainTop must be 32 bytes");
    assertThat(reason(anchor("x".repeat(100_000), 600, 1_000L))).contains("chainTop must be 32 bytes");
    assertThat(reason(anchor(ELEMENT, null, 1_000L))).contains("together");

    assertThat(reason(chained(ELEMENT, 0))).isEqualTo("valid");
    assertThat(reason(chained(ELEMENT, 99_999))).isEqualTo("valid");
    assertThat(reason(chained(ELEMENT, 100_000))).contains("chainIndex must be 0 to 99999");
    assertThat(reason(chained(ELEMENT, -1))).contains("chainIndex must be 0 to 99999");
    assertThat(reason(chained(ELEMENT + "A", 5))).contains("chainElement must be 32 bytes");
    assertThat(reason(chained(ELEMENT, null))).contains("together");
    // A chained beat carries nothing a signature would have to vouch for, and its boot.
    NodeHeartbeat c = chained(ELEMENT, 5);
    assertThat(reason(c.withSignature("sig"))).contains("no signature");
    assertThat(reason(new NodeHeartbeat("n1", 1, null, null, 0, "proof", 1L, null, null, null, null, ELEMENT, 5, null)))
        .contains("no signature, publicKey, joinProof");
    assertThat(reason(new NodeHeartbeat("n1", 1, null, null, 0, null, 1L, "key", null, null, null, ELEMENT, 5, null)))
        .contains("no signature, publicKey, joinProof");
    assertThat(reason(new NodeHeartbeat("n1", 1, null, null, 0, null, null, null, null, null, null, ELEMENT, 5, null)))
        .contains("carries its boot");
    assertThat(reason(new NodeHeartbeat("n1", 1, null, null, 0, null, 1L, null, ELEMENT, 600, 1_000L, ELEMENT, 5,
        null))).contains("anchor fields");
  }

  @Test
  void aHeartbeatWithoutChainFieldsReadsAsBefore() {
    // As an agent older than hash chains writes it (field names and order of that version, by hand).
    String old = "{\"nodeId\":\"n1\",\"sequence\":4,\"timestamp\":1000,\"boot\":2,\"publicKey\":\"key\","
        + "\"signature\":\"sig\"}";
    NodeHeartbeat hb = Json.fromString(old, NodeHeartbeat.class);
    assertThat(reason(hb)).isEqualTo("valid");
    assertThat(hb.chained()).isFalse();
    assertThat(hb.chainTop()).isNull();
    assertThat(Json.toString(hb)).isEqualTo(old);
  }

  @Test
  void controlMessagesAreCheckedAsStrictlyAsTheIntake() {
    ServiceSpec ok = SpecValidator.validate("{\"name\":\"a\",\"command\":[\"x\"]}").spec();
    assertThat(ControlMessageValidator.validate(new ControlMessage.SpecApplied(ok, null, null, null)).valid()).isTrue();
    ServiceSpec negative = ok.withReplicas(-1);
    assertThat(ControlMessageValidator.validate(new ControlMessage.SpecApplied(negative, null, null, null)).reason())
        .contains("$.replicas");
    assertThat(ControlMessageValidator.validate(new ControlMessage.SpecApplied(ok, -1L, null, null)).valid()).isFalse();
    assertThat(ControlMessageValidator.validate(new ControlMessage.SpecRemoved("../../x", null, null)).valid()).isFalse();
    assertThat(ControlMessageValidator.validate(new ControlMessage.TimerFired("nap", "a")).valid()).isFalse();
    assertThat(ControlMessageValidator.validate(new ControlMessage.NodeDown("n1", "r".repeat(10_000))).value())
        .satisfies(m -> assertThat(((ControlMessage.NodeDown) m).reason()).hasSize(Limits.MAX_STATUS_TEXT));
    assertThat(ControlMessageValidator.validate(new ControlMessage.NodeUp("n1", null, "root", null)).valid()).isFalse();
  }
}
