package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.JoinPolicy;
import dev.shoal.orchestrator.core.Scheduler;
import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.Command;
import dev.shoal.schemas.CommandEnvelope;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.UpdateStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No input stops the control plane: direct writes to the control log are validated, a decision
 * that throws or whose output is too large is quarantined with the state unchanged, retries are
 * applied once, names compare regardless of case, versions never repeat, time never goes back.
 */
class HardeningTopologyTest {
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":3}";
  private DriverHarness h = new DriverHarness();

  @AfterEach
  void stop() {
    h.close();
  }

  private void threeNodes() {
    h.heartbeat("n1");
    h.heartbeat("n2");
    h.heartbeat("n3");
  }

  private List<ClusterEvent> events(String type) {
    return h.events.stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void malformedRecordsOnTheInternalLogsAreRejectedAndTheLogsGoOn() {
    threeNodes();
    h.rawTimer("x", "{not json");
    h.rawTimer("x", "{\"kind\":\"launch-missiles\"}");
    h.rawLiveness("x", null);
    h.rawLiveness("x", "\"" + "y".repeat(Limits.MAX_CONTROL_BYTES + 1) + "\"");
    assertThat(events("control.rejected")).hasSize(4)
        .extracting(e -> e.attributes().get("code")).containsExactly("invalid", "invalid", "invalid", "too_large");
    h.spec("web", WEB);
    assertThat(h.runningDesired("web")).hasSize(3);
  }

  @Test
  void aRecordOverItsLimitInBytesIsTooLargeWhateverItsLengthInCharacters() {
    // Found by FuzzIT: the limits are bytes, and "€" takes three of them.
    String euros = "\u20ac".repeat(Limits.MAX_COMMAND_BYTES / 3 + 10);
    h.rawCommand("web", "{\"command\":{\"type\":\"rollback\",\"service\":\"web\"},\"principal\":\"" + euros + "\"}");
    h.rawStatus("t1", "{\"taskId\":\"t1\",\"nodeId\":\"n1\",\"state\":\"RUNNING\",\"message\":\"" + euros + "\"}");
    h.rawLiveness("x", "{\"kind\":\"node-down\",\"nodeId\":\"n1\",\"reason\":\""
        + "\u20ac".repeat(Limits.MAX_CONTROL_BYTES / 3 + 10) + "\"}");
    h.rawCommand("\u20ac".repeat(Limits.MAX_KEY_BYTES / 3 + 1), "{}");
    assertThat(events("command.rejected")).extracting(e -> e.attributes().get("code"))
        .containsExactly("too_large", "too_large");
    assertThat(events("task-status.rejected")).extracting(e -> e.attributes().get("code")).containsExactly("too_large");
    assertThat(events("control.rejected")).extracting(e -> e.attributes().get("code")).containsExactly("too_large");
  }

  @Test
  void aClientsHeadersAreNotCopiedIntoWhatTheOrchestratorPublishes() {
    // Found by FuzzIT: a rejection event kept its input record's headers, so a heartbeat of a few
    // bytes under a megabyte of headers became an event over the producer's limit; the stream
    // thread died on it and, replaced, read the same record again.
    threeNodes();
    for (String topic : List.of(h.topics.specs.name(), h.topics.commands.name(), h.topics.taskStatus.name(),
        h.topics.heartbeats.name())) {
      h.raw(topic, "web", "{", junk());
    }
    h.raw(h.topics.specs.name(), "web", WEB, junk());
    assertThat(h.eventTypes()).contains("spec.rejected", "command.rejected", "task-status.rejected",
        "heartbeat.rejected", "service.created");
    assertThat(h.eventHeaders).allSatisfy(hs -> assertThat(hs.toArray())
        .extracting(org.apache.kafka.common.header.Header::key).isSubsetOf(Headers.SEQUENCE));
    // the control log carries only the decision's own headers, never the client's
    assertThat(h.controlHeaders).isNotEmpty().allSatisfy(hs -> assertThat(hs.toArray())
        .extracting(org.apache.kafka.common.header.Header::key)
        .containsExactly(Headers.SEQUENCE, Headers.DECISION_CODE));
  }

  private static org.apache.kafka.common.header.Headers junk() {
    org.apache.kafka.common.header.Headers hs = new org.apache.kafka.common.header.internals.RecordHeaders();
    hs.add("junk", "x".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    hs.add(Headers.REQUEST_ID, "r-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return hs;
  }

  @Test
  void noLogIsABackDoorForWhatItsIntakeWouldRefuse() {
    threeNodes();
    String spec = "{\"kind\":\"spec-applied\",\"spec\":{\"name\":\"sneaky\",\"command\":[\"x\"],\"replicas\":1}}";
    h.rawTimer("sneaky", spec);
    h.rawLiveness("sneaky", spec);
    h.rawTimer("t", "{\"kind\":\"timer\",\"name\":\"update\",\"target\":\"../../x\"}");
    h.rawTimer("t", "{\"kind\":\"timer\",\"name\":\"self-destruct\",\"target\":\"web\"}");
    h.rawLiveness("n", "{\"kind\":\"node-down\",\"nodeId\":\"n/../1\",\"reason\":\"x\"}");
    assertThat(events("control.rejected")).hasSize(5).allMatch(e -> "invalid".equals(e.attributes().get("code")));
    assertThat(events("control.rejected").get(0).message()).contains("does not carry SpecApplied");
    assertThat(h.services).isEmpty();
    // a valid record on an internal log is decided like the orchestrator's own
    h.rawLiveness("n1", "{\"kind\":\"node-down\",\"nodeId\":\"n1\",\"reason\":\"test\"}");
    assertThat(h.nodes.get("n1").status()).isEqualTo("down");
  }

  @Test
  void theControlLogIsWrittenNotReadAndHoldsEveryDecidedInputInOrder() {
    assertThat(h.driver.producedTopicNames()).doesNotContain("shoal.control-source");
    String description = OrchestratorTopology.build(h.topics, dev.shoal.orchestrator.core.OrchestratorSettings.DEFAULTS,
        OrchestratorTopology.Timing.DEFAULTS).describe().toString();
    assertThat(description).doesNotContain("topics: [shoal.control]").contains("topic: shoal.control");
    threeNodes();
    h.spec("web", WEB);
    h.spec("bad", "{\"name\":\"bad\",\"replicas\":-1}");
    assertThat(h.control).extracting(m -> m.getClass().getSimpleName())
        .containsExactly("NodeUp", "NodeUp", "NodeUp", "SpecApplied");
    // each decision numbered in order, and its derived records carry its number
    assertThat(h.controlSequences).containsExactly("1", "2", "3", "4");
    assertThat(h.taskSequences).isNotEmpty().allMatch("4"::equals);
  }

  @Test
  void aDecisionThatThrowsIsQuarantinedWithTheStateUnchanged() {
    h.close();
    h = new DriverHarness(JoinPolicy.OPEN, ExplodingScheduler::new);
    threeNodes();
    h.spec("web", WEB);
    int tasksBefore = h.tasks.size();
    h.spec("boom", "{\"name\":\"boom\",\"command\":[\"x\"],\"replicas\":2}", "req-boom", null);
    ClusterEvent failed = events("control.failed").get(0);
    assertThat(failed.attributes()).containsEntry("code", "internal").containsEntry("requestId", "req-boom")
        .containsKey("offset");
    assertThat(failed.message()).contains("quarantined").contains("the scheduler exploded");
    // nothing of the failed decision was kept: no service, no task, no version taken
    assertThat(h.services.values()).extracting(s -> s.name()).containsExactly("web");
    assertThat(h.tasks).hasSize(tasksBefore);
    h.spec("next", "{\"name\":\"next\",\"command\":[\"x\"],\"replicas\":1}");
    assertThat(h.service("next").version()).isEqualTo(2);
    assertThat(h.runningDesired("next")).hasSize(1);
  }

  @Test
  void aDecisionWhoseOutputIsTooLargeIsQuarantined() {
    // Every record a valid spec can make is far below the default limit (one record per task, specs
    // of at most 64 KiB), so this cluster's brokers are said to take at most 40,000 bytes.
    h.close();
    h = new DriverHarness(JoinPolicy.OPEN, Scheduler::new,
        new dev.shoal.orchestrator.core.OrchestratorSettings(5, 40_000));
    h.heartbeat("n1");
    String big = "{\"name\":\"big\",\"command\":[\"x\"],\"replicas\":2,\"env\":{\"A\":\""
        + "v".repeat(30_000) + "\",\"B\":\"" + "v".repeat(20_000) + "\"}}";
    h.spec("big", big, "req-big", null);
    ClusterEvent failed = events("control.failed").get(0);
    assertThat(failed.attributes()).containsEntry("code", "too_large").containsEntry("requestId", "req-big");
    assertThat(failed.message()).contains("the limit is 40000");
    assertThat(h.services).isEmpty();
    assertThat(h.tasks).isEmpty();
    h.spec("web", WEB);
    assertThat(h.runningDesired("web")).hasSize(3);
  }

  @Test
  void aNodeWithManyTasksOfABigSpecIsFine() {
    // One record per task: a node's set is never one record, so it cannot grow past the broker's limit.
    h.heartbeat("n1");
    String big = "{\"name\":\"big\",\"command\":[\"x\"],\"replicas\":40,\"env\":{\"A\":\""
        + "v".repeat(30_000) + "\",\"B\":\"" + "v".repeat(30_000) + "\"}}";
    h.spec("big", big);
    assertThat(events("control.failed")).isEmpty();
    assertThat(h.runningDesired("big")).hasSize(40);
    assertThat(h.assignments.values()).filteredOn(a -> a.task() != null).hasSize(40);
  }

  @Test
  void aRetriedRequestIsAppliedOnce() {
    threeNodes();
    h.spec("web", WEB, "req-1", 0L);
    h.spec("web", WEB, "req-1", 0L);
    assertThat(events("service.created")).hasSize(2);
    assertThat(events("service.created").get(1).attributes()).containsEntry("duplicate", "true")
        .containsEntry("outcome", "applied");
    assertThat(h.service("web").version()).isEqualTo(1);
    assertThat(h.tasksOf("web")).hasSize(3);
    h.command(new CommandEnvelope(new Command.ScaleService("web", 5), "a", "scale-1", 0));
    h.command(new CommandEnvelope(new Command.ScaleService("web", 5), "a", "scale-1", 0));
    assertThat(h.service("web").version()).isEqualTo(2);
  }

  @Test
  void createOnlyRefusesANameThatExistsInAnyCase() {
    threeNodes();
    h.spec("PROBE0", WEB.replace("web", "PROBE0"), "c1", 0L);
    h.spec("probe0", WEB.replace("web", "probe0"), "c2", 0L);
    assertThat(events("spec.rejected")).singleElement().satisfies(e -> {
      assertThat(e.attributes()).containsEntry("code", "conflict").containsEntry("requestId", "c2");
      assertThat(e.message()).contains("PROBE0 already exists");
    });
    // without create-only (a plain Kafka client), a name in another case is still the same service
    h.spec("probe0", WEB.replace("web", "probe0"));
    assertThat(events("spec.rejected")).hasSize(2);
    assertThat(h.services).hasSize(1);
  }

  @Test
  void versionsNeverRepeatAcrossRemoveAndCreate() {
    threeNodes();
    h.spec("web", WEB);
    long first = h.service("web").version();
    h.spec("web", null);
    for (Task t : List.copyOf(h.tasks.values())) {
      h.report(t, TaskState.SHUTDOWN, 0);
    }
    h.spec("web", WEB);
    assertThat(h.service("web").version()).isGreaterThan(first);
    h.spec("web", WEB.replace("3", "2"), "stale", first);
    assertThat(events("spec.rejected")).singleElement()
        .satisfies(e -> assertThat(e.attributes()).containsEntry("code", "conflict"));
    assertThat(h.service("web").spec().replicas()).isEqualTo(3);
  }

  @Test
  void decisionTimeIsTheLogsAndNeverGoesBack() {
    threeNodes();
    h.specAt("web", WEB, h.now.minus(Duration.ofHours(5)));
    assertThat(h.service("web").createdAt()).isEqualTo(h.now.toEpochMilli());
  }

  @Test
  void aHugeScaleIsRefusedAtTheDoor() {
    threeNodes();
    h.spec("web", WEB);
    h.command(new CommandEnvelope(new Command.ScaleService("web", 2_000_000_000), "a", "huge", 0));
    assertThat(events("command.rejected")).singleElement().satisfies(e -> {
      assertThat(e.attributes()).containsEntry("code", "invalid").containsEntry("requestId", "huge");
      assertThat(e.message()).contains("between 0 and " + Limits.MAX_REPLICAS);
    });
    assertThat(h.tasksOf("web")).hasSize(3);
  }

  @Test
  void anUpdateWhoseTasksCannotBePlacedEndsPaused() {
    threeNodes();
    String spec = "{\"name\":\"web\",\"command\":[\"sleep\",\"%s\"],\"replicas\":3,"
        + "\"placement\":{\"maxReplicasPerNode\":1},\"updateConfig\":{\"order\":\"start-first\",\"monitor\":\"1s\"}}";
    h.spec("web", String.format(spec, "1"));
    h.runningDesired("web").forEach(t -> h.report(t, TaskState.RUNNING));
    h.spec("web", String.format(spec, "2"));
    assertThat(h.service("web").updateStatus().state()).isEqualTo(UpdateStatus.UPDATING);
    for (int i = 0; i <= Limits.UPDATE_PLACEMENT_TIMEOUT.toSeconds(); i++) {
      h.advance(Duration.ofSeconds(1));
      threeNodes(); // the nodes stay alive meanwhile
    }
    UpdateStatus st = h.service("web").updateStatus();
    assertThat(st.state()).isEqualTo(UpdateStatus.PAUSED);
    assertThat(st.message()).contains("could not be placed within 1m").contains("max replicas per node");
    // the old tasks keep serving
    assertThat(h.runningDesired("web")).filteredOn(t -> t.state() == TaskState.RUNNING).hasSize(3);
  }

  @Test
  void invalidTaskStatusTextsAreCutNotRefused() {
    threeNodes();
    h.spec("web", WEB);
    Task t = h.runningDesired("web").get(0);
    String longMessage = "m".repeat(10_000);
    h.rawStatus(t.id(), Json.toString(h.nodeKeys.sign(new dev.shoal.schemas.TaskStatus(t.id(), t.nodeId(),
        TaskState.FAILED, longMessage, null, 1, null, null, null, null, 0))));
    Task after = h.tasks.get(t.id());
    assertThat(after.state()).isEqualTo(TaskState.FAILED);
    assertThat(after.status().message()).hasSize(Limits.MAX_STATUS_TEXT).endsWith("…");
  }

  /** A scheduler whose first filter fails for one service, standing in for a bug in the decision code. */
  static final class ExplodingScheduler extends Scheduler {
    ExplodingScheduler() {
      super(java.util.stream.Stream.concat(java.util.stream.Stream.<dev.shoal.orchestrator.core.NodeFilter>of(
          (spec, serviceId, node) -> {
            if (spec.name().equals("boom")) {
              throw new IllegalStateException("the scheduler exploded");
            }
            return java.util.Optional.empty();
          }), dev.shoal.orchestrator.core.Filters.fixed().stream()).toList(),
          dev.shoal.orchestrator.core.Filters.load());
    }
  }
}
