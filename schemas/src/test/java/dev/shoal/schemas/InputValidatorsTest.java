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
