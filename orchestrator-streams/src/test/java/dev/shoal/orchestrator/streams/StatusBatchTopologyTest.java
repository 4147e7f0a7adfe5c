package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.ClusterEvent;
import dev.shoal.schemas.ControlMessage;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agents report statuses in signed batches: a batch is decided as its statuses would be one by one,
 * in one decision with one signature check, and a batch that is forged, copied, or over a limit is
 * refused whole with a rejection event while the stream goes on.
 */
class StatusBatchTopologyTest {
  private static final String WEB = "{\"name\":\"web\",\"command\":[\"sleep\",\"1000\"],\"replicas\":4}";
  private final List<DriverHarness> harnesses = new ArrayList<>();

  @AfterEach
  void stop() {
    harnesses.forEach(DriverHarness::close);
  }

  /** Two nodes and a service of four tasks, the same in every harness (node keys derive from the ids). */
  private DriverHarness cluster() {
    DriverHarness h = new DriverHarness();
    harnesses.add(h);
    h.heartbeat("n1");
    h.heartbeat("n2");
    h.spec("web", WEB);
    return h;
  }

  private static List<Task> on(DriverHarness h, String node) {
    return h.tasksOf("web").stream().filter(t -> node.equals(t.nodeId())).sorted(
        java.util.Comparator.comparing(Task::id)).toList();
  }

  private static TaskStatus status(Task t, TaskState state, String health, String error, Integer exit) {
    return new TaskStatus(t.id(), t.nodeId(), state, state.name().toLowerCase(), error, exit, "127.0.0.1:1", null,
        health, null, 5);
  }

  /** The story of n1's tasks: each runs, the first turns unhealthy, the second fails. */
  private static List<TaskStatus> story(List<Task> n1) {
    Task a = n1.get(0);
    Task b = n1.get(1);
    return List.of(status(a, TaskState.RUNNING, null, null, null), status(b, TaskState.RUNNING, null, null, null),
        status(a, TaskState.RUNNING, "unhealthy", null, null), status(b, TaskState.FAILED, null, "boom", 3));
  }

  /** What a status decided, without how it was signed (a batch's statuses carry the batch's signature). */
  private static Map<String, String> outcome(DriverHarness h, List<Task> reported) {
    Map<String, String> out = new TreeMap<>();
    for (Task t : reported) {
      Task now = h.tasks.get(t.id());
      TaskStatus s = now.status();
      out.put(t.id(), now.state() + " " + now.desiredState() + " " + s.message() + " " + s.error() + " " + s.exitCode()
          + " " + s.health() + " " + s.endpoint() + " " + s.timestamp());
    }
    out.put("tasks of web", Long.toString(h.tasksOf("web").size()));
    out.put("running desired", Long.toString(h.runningDesired("web").size()));
    out.put("events", h.events.stream().filter(e -> e.type().startsWith("task.")).map(e -> e.type() + " " + e.message())
        .toList().toString());
    return out;
  }

  private static List<ClusterEvent> rejected(DriverHarness h) {
    return h.events.stream().filter(e -> e.type().equals("task-status.rejected")).toList();
  }

  @Test
  void aBatchIsDecidedAsItsStatusesOneByOneInOneDecision() {
    DriverHarness oneByOne = cluster();
    DriverHarness batched = cluster();
    List<Task> n1 = on(oneByOne, "n1");
    assertThat(n1).hasSize(2);
    assertThat(on(batched, "n1")).extracting(Task::id).isEqualTo(n1.stream().map(Task::id).toList());
    int controlBefore = batched.control.size();

    story(n1).forEach(s -> oneByOne.rawStatus(s.taskId(), Json.toString(oneByOne.nodeKeys.sign(s))));
    batched.reportBatch("n1", story(n1));

    assertThat(outcome(batched, n1)).isEqualTo(outcome(oneByOne, n1));
    assertThat(batched.tasks.get(n1.get(0).id()).status().health()).isEqualTo("unhealthy");
    assertThat(batched.tasks.get(n1.get(1).id()).state()).isEqualTo(TaskState.FAILED);
    assertThat(batched.control.subList(controlBefore, batched.control.size())).singleElement()
        .isInstanceOfSatisfying(ControlMessage.TaskStatusesReported.class, m -> {
          assertThat(m.batch().nodeId()).isEqualTo("n1");
          assertThat(m.batch().size()).isEqualTo(4);
          assertThat(m.batch().signature()).isNotNull(); // kept signed: a replay checks it again
        });
    assertThat(rejected(batched)).isEmpty();
    // The applied status carries the batch's order: the sequence of its place in the batch.
    TaskStatusBatch sent = ((ControlMessage.TaskStatusesReported) batched.control.get(controlBefore)).batch();
    assertThat(batched.tasks.get(n1.get(0).id()).status().sequence()).isEqualTo(sent.sequence() + 2);
  }

  @Test
  void aBatchNotSignedByItsNodeIsRefusedWholeAndTheNextOneIsApplied() {
    DriverHarness h = cluster();
    List<Task> n1 = on(h, "n1");
    TaskStatusBatch forged = NodeSignatures.sign(TaskStatusBatch.of("n1", 9, 9,
        List.of(status(n1.get(0), TaskState.FAILED, null, "forged", 1))), h.nodeKeys.keys("n2").getPrivate());
    h.rawStatus("n1", Json.toString(forged));
    h.rawStatus("n1", Json.toString(forged.withSignature(null)));

    assertThat(h.tasks.get(n1.get(0).id()).state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(rejected(h)).hasSize(2).allSatisfy(e -> {
      assertThat(e.entityId()).isEqualTo("n1");
      assertThat(e.attributes()).containsEntry("code", "forbidden");
    }).extracting(ClusterEvent::message).satisfiesExactly(
        m -> assertThat(m).contains("is not signed by node n1's key"),
        m -> assertThat(m).contains("unsigned task status batch from node n1"));

    h.reportBatch("n1", List.of(status(n1.get(0), TaskState.RUNNING, null, null, null)));
    assertThat(h.tasks.get(n1.get(0).id()).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aCopiedBatchIsRefusedAndChangesNothing() {
    DriverHarness h = cluster();
    Task t = on(h, "n1").get(0);
    String running = Json.toString(h.nodeKeys.sign("n1", List.of(status(t, TaskState.RUNNING, null, null, null))));
    h.rawStatus("n1", running);
    h.reportBatch("n1", List.of(status(t, TaskState.RUNNING, "unhealthy", null, null)));

    h.rawStatus("n1", running); // a copy would flip the health back

    assertThat(h.tasks.get(t.id()).status().health()).isEqualTo("unhealthy");
    assertThat(rejected(h)).singleElement().satisfies(e -> assertThat(e.message())
        .startsWith("task status batch from node n1 refused whole: status 1 of 1: replayed task status for task "
            + t.id()));
  }

  @Test
  void aBatchWithOneStatusThatAloneWouldBeRefusedIsRefusedWholeNamingIt() {
    DriverHarness h = cluster();
    List<Task> n1 = on(h, "n1");
    var key = h.nodeKeys.keys("n1").getPrivate();
    long boot = h.nodeKeys.boot("n1");
    h.rawStatus("n1", Json.toString(NodeSignatures.sign(TaskStatusBatch.of("n1", boot, 5,
        List.of(status(n1.get(0), TaskState.RUNNING, null, null, null))), key)));
    // Signed by n1, but its second status (sequence 4) is not after the one applied to its task (5).
    h.rawStatus("n1", Json.toString(NodeSignatures.sign(TaskStatusBatch.of("n1", boot, 3,
        List.of(status(n1.get(1), TaskState.RUNNING, null, null, null),
            status(n1.get(0), TaskState.FAILED, null, "old", 1))), key)));

    assertThat(h.tasks.get(n1.get(1).id()).state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(h.tasks.get(n1.get(0).id()).state()).isEqualTo(TaskState.RUNNING);
    assertThat(rejected(h)).singleElement().satisfies(e -> {
      assertThat(e.entityId()).isEqualTo("n1");
      assertThat(e.message()).contains("status 2 of 2: replayed task status for task " + n1.get(0).id());
    });
  }

  @Test
  void aStatusAboutAnotherNodesTaskIsIgnoredAsItIsAloneAndTheRestApplies() {
    DriverHarness h = cluster();
    Task mine = on(h, "n1").get(0);
    Task theirs = on(h, "n2").get(0);
    TaskStatus claim = new TaskStatus(theirs.id(), null, TaskState.FAILED, "not yours", "x", 1, null, null, null, null, 5);

    h.reportBatch("n1", List.of(claim, status(mine, TaskState.RUNNING, null, null, null)));
    // The same claim alone, signed by n1, about n2's task.
    h.rawStatus(theirs.id(), Json.toString(h.nodeKeys.sign(new TaskStatus(theirs.id(), "n1", TaskState.FAILED,
        "not yours", "x", 1, null, null, null, null, 5))));

    assertThat(h.tasks.get(theirs.id()).state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(h.tasks.get(mine.id()).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aStatusInABatchNamingAnotherNodeIsInvalid() {
    DriverHarness h = cluster();
    Task theirs = on(h, "n2").get(0);
    TaskStatusBatch b = NodeSignatures.sign(new TaskStatusBatch("n1", 1L, 1L, List.of(
        new TaskStatus(theirs.id(), "n2", TaskState.FAILED, "x", null, null, null, null, null, null, 5)), null),
        h.nodeKeys.keys("n1").getPrivate());
    h.rawStatus("n1", Json.toString(b));

    assertThat(h.tasks.get(theirs.id()).state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(rejected(h)).singleElement().satisfies(e -> {
      assertThat(e.attributes()).containsEntry("code", "invalid");
      assertThat(e.message()).contains("status 0 (task " + theirs.id() + ")").contains("no nodeId");
    });
  }

  @Test
  void batchesAndStatusesJustOverTheirLimitsAreRefusedAsTooLargeAndTheStreamGoesOn() {
    DriverHarness h = cluster();
    Task t = on(h, "n1").get(0);
    List<TaskStatus> many = IntStream.range(0, Limits.MAX_STATUS_BATCH + 1).mapToObj(i -> new TaskStatus("gone-" + i,
        null, TaskState.RUNNING, "r", null, null, null, null, null, null, 5)).toList();
    h.reportBatch("n1", many);
    h.reportBatch("n1", many.subList(0, Limits.MAX_STATUS_BATCH)); // at the limit: decided (tasks unknown: ignored)
    h.rawStatus("n1", paddedBatch(h, t, Limits.MAX_STATUS_BATCH_BYTES + 1));
    h.rawStatus(t.id(), paddedStatus(h, t, Limits.MAX_STATUS_BYTES + 1));

    assertThat(rejected(h)).hasSize(3).allSatisfy(e -> assertThat(e.attributes()).containsEntry("code", "too_large"))
        .extracting(ClusterEvent::message).satisfiesExactly(
            m -> assertThat(m).contains("at most " + Limits.MAX_STATUS_BATCH + " statuses"),
            m -> assertThat(m).contains("at most " + Limits.MAX_STATUS_BATCH_BYTES + " bytes"),
            m -> assertThat(m).contains("a TaskStatus record is at most " + Limits.MAX_STATUS_BYTES + " bytes"));
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.ASSIGNED);

    h.rawStatus("n1", paddedBatch(h, t, Limits.MAX_STATUS_BATCH_BYTES)); // at the limit: applied
    assertThat(h.tasks.get(t.id()).state()).isEqualTo(TaskState.RUNNING);
    h.rawStatus(t.id(), paddedStatus(h, t, Limits.MAX_STATUS_BYTES)); // at the limit: decided (a copy of nothing)
    assertThat(rejected(h)).hasSize(3);
  }

  /**
   * A signed batch of {@code n1}'s statuses of exactly {@code bytes} bytes: the padding goes at the end
   * of a message already longer than the intake keeps (it cuts before the signature is checked), so
   * the signature still holds.
   */
  private static String paddedBatch(DriverHarness h, Task t, int bytes) {
    List<TaskStatus> statuses = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      statuses.add(new TaskStatus("gone-" + i, null, TaskState.RUNNING, "m".repeat(2_500), null, null, null, null, null,
          null, 5));
    }
    statuses.add(new TaskStatus(t.id(), null, TaskState.RUNNING, "m".repeat(2_500) + "PAD", null, null, null, null, null, null, 5));
    String json = Json.toString(h.nodeKeys.sign("n1", statuses));
    return json.replace("PAD", "P".repeat(bytes - json.length() + 3));
  }

  private static String paddedStatus(DriverHarness h, Task t, int bytes) {
    String json = Json.toString(h.nodeKeys.sign(new TaskStatus(t.id(), "n1", TaskState.RUNNING, "m".repeat(2_500) + "PAD", null, null,
        null, null, null, null, 5)));
    return json.replace("PAD", "P".repeat(bytes - json.length() + 3));
  }
}
