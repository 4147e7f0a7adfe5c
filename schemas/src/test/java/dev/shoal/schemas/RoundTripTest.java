package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundTripTest {

  private final JsonSerde<ControlMessage> serde = new JsonSerde<>(ControlMessage.class);

  private ControlMessage roundTrip(ControlMessage m) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", m));
  }

  @Test
  void controlMessagesKeepTheirKind() {
    ServiceSpec spec = SpecValidator.validate("{\"name\":\"a\",\"command\":[\"true\"]}").spec();
    List<ControlMessage> all = List.of(
        new ControlMessage.SpecApplied(spec, 3L, "alice", "r1"),
        new ControlMessage.SpecRemoved("a", "bob", "r2"),
        new ControlMessage.CommandIssued(new CommandEnvelope(new Command.ScaleService("a", 4), "carol", "r3", 7)),
        new ControlMessage.CommandIssued(new CommandEnvelope(
            new Command.UpdateNode("n1", "drain", null, Map.of("zone", "a"), null), "dave", "r4", 8)),
        new ControlMessage.TaskStatusReported(TaskStatus.of("t1", "n1", TaskState.RUNNING, "started", 9)),
        new ControlMessage.NodeUp("n1", new NodeDescription("h", "127.0.0.1", new NodeResources(2, 1 << 30),
            List.of("process"), Map.of(), "linux", "amd64", null, "process"), "worker"),
        new ControlMessage.NodeDown("n1", "no heartbeat for 3s"),
        new ControlMessage.TimerFired("restart", "t1"));
    for (ControlMessage m : all) {
      assertThat(roundTrip(m)).isEqualTo(m);
    }
  }

  @Test
  void tombstonesStayNull() {
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void catalogueAppliesThePrefix() {
    Topics t = new Topics("x-");
    assertThat(t.specs.name()).isEqualTo("x-shoal.specs");
    assertThat(t.control.partitions()).isEqualTo(1);
    assertThat(t.all()).hasSize(14);
    // shoal.logs feeds no decision: many partitions (a read scans one), append time for offsetsForTimes
    assertThat(t.inputs()).doesNotContain(t.logs);
    assertThat(t.logs.name()).isEqualTo("x-shoal.logs");
    assertThat(t.logs.partitions()).isEqualTo(Topics.LOG_PARTITIONS);
    assertThat(t.logs.configs()).containsEntry("message.timestamp.type", "LogAppendTime");
    assertThat(t.inputs()).allMatch(i -> i.partitions() == 1 && "LogAppendTime".equals(i.configs().get("message.timestamp.type")));
    assertThat(t.services.configs()).containsEntry("cleanup.policy", "compact");
  }
}
