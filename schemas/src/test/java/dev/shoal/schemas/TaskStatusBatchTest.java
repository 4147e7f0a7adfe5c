package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batch format: its validator's limits, its signature's purpose and coverage, and its shape on the wire. */
class TaskStatusBatchTest {
  private final KeyPair keys = NodeSignatures.newKeyPair();
  private final String key = NodeSignatures.encode(keys.getPublic());

  private static TaskStatus status(String task, TaskState state) {
    return new TaskStatus(task, "n1", state, "m", null, null, "127.0.0.1:1", null, null, null, 5);
  }

  private static TaskStatusBatch batch(int n) {
    return TaskStatusBatch.of("n1", 2, 10, IntStream.range(0, n).mapToObj(i -> status("t" + i, TaskState.RUNNING)).toList());
  }

  @Test
  void aBatchsStatusesTakeItsNodeBootAndConsecutiveSequences() {
    TaskStatusBatch b = batch(3);
    assertThat(b.statuses()).allSatisfy(s -> {
      assertThat(s.nodeId()).isNull();
      assertThat(s.boot()).isNull();
      assertThat(s.sequence()).isNull();
    });
    assertThat(IntStream.range(0, 3).mapToObj(b::status).toList())
        .extracting(TaskStatus::taskId, TaskStatus::nodeId, TaskStatus::boot, TaskStatus::sequence, TaskStatus::signature)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t0", "n1", 2L, 10L, null),
            org.assertj.core.groups.Tuple.tuple("t1", "n1", 2L, 11L, null),
            org.assertj.core.groups.Tuple.tuple("t2", "n1", 2L, 12L, null));
  }

  @Test
  void theValidatorHoldsABatchToItsLimitsAndRefusesItWholeForOneBadStatus() {
    assertThat(TaskStatusBatchValidator.validate(batch(Limits.MAX_STATUS_BATCH)).valid()).isTrue();
    Validated<TaskStatusBatch> over = TaskStatusBatchValidator.validate(batch(Limits.MAX_STATUS_BATCH + 1));
    assertThat(over.code()).isEqualTo(RejectionCode.TOO_LARGE);
    assertThat(TaskStatusBatchValidator.validate(batch(0)).code()).isEqualTo(RejectionCode.INVALID);
    assertThat(TaskStatusBatchValidator.validate(new TaskStatusBatch("n1", null, 1L, batch(1).statuses(), null)).valid())
        .isFalse();
    assertThat(TaskStatusBatchValidator.validate(new TaskStatusBatch("n/1", 1L, 1L, batch(1).statuses(), null)).valid())
        .isFalse();
    assertThat(TaskStatusBatchValidator.validate(new TaskStatusBatch("n1", 1L, Long.MAX_VALUE, batch(2).statuses(), null))
        .valid()).isFalse();

    List<TaskStatus> oneBad = List.of(batch(1).statuses().get(0), new TaskStatus("t/x", null, TaskState.RUNNING, "m",
        null, null, null, null, null, null, 5));
    Validated<TaskStatusBatch> bad = TaskStatusBatchValidator.validate(new TaskStatusBatch("n1", 1L, 1L, oneBad, null));
    assertThat(bad.code()).isEqualTo(RejectionCode.INVALID);
    assertThat(bad.reason()).startsWith("status 1: taskId and nodeId must be ids");

    List<TaskStatus> ownOrder = List.of(status("t1", TaskState.RUNNING).withOrder(1, 1));
    assertThat(TaskStatusBatchValidator.validate(new TaskStatusBatch("n1", 1L, 1L, ownOrder, null)).reason())
        .contains("status 0 (task t1)").contains("no nodeId, boot, sequence or signature of its own");
  }

  @Test
  void theValidatorCutsLongTextsAsForASingleStatus() {
    TaskStatus longMessage = new TaskStatus("t1", null, TaskState.FAILED, "m".repeat(Limits.MAX_STATUS_TEXT + 1), null,
        1, null, null, null, null, 5);
    Validated<TaskStatusBatch> v = TaskStatusBatchValidator.validate(new TaskStatusBatch("n1", 1L, 1L,
        List.of(longMessage), null));
    assertThat(v.valid()).isTrue();
    assertThat(v.value().statuses().get(0).message()).hasSize(Limits.MAX_STATUS_TEXT).endsWith("…");
  }

  @Test
  void aSignedBatchVerifiesAfterTheWireAndItsSignatureCoversEverything() {
    TaskStatusBatch signed = NodeSignatures.sign(batch(2), keys.getPrivate());
    TaskStatusBatch wired = Json.fromString(Json.toString(signed), TaskStatusBatch.class);
    assertThat(NodeSignatures.verifies(wired, key)).isTrue();
    String sig = signed.signature();
    List<TaskStatusBatch> changed = List.of(
        new TaskStatusBatch("n2", 2L, 10L, signed.statuses(), sig),
        new TaskStatusBatch("n1", 3L, 10L, signed.statuses(), sig),
        new TaskStatusBatch("n1", 2L, 11L, signed.statuses(), sig),
        new TaskStatusBatch("n1", 2L, 10L, signed.statuses().subList(0, 1), sig),
        new TaskStatusBatch("n1", 2L, 10L, List.of(signed.statuses().get(1), signed.statuses().get(0)), sig),
        new TaskStatusBatch("n1", 2L, 10L, List.of(signed.statuses().get(0), TaskStatusBatch.of("n1", 2, 10,
            List.of(status("t1", TaskState.FAILED))).statuses().get(0)), sig));
    changed.forEach(b -> assertThat(NodeSignatures.verifies(b, key)).as(b.toString()).isFalse());
    assertThat(NodeSignatures.verifies(signed, NodeSignatures.encode(NodeSignatures.newKeyPair().getPublic()))).isFalse();
    assertThat(NodeSignatures.verifies(signed.withSignature(null), key)).isFalse();
  }

  @Test
  void aStatusSignatureCannotPassForABatchOfItNorTheOtherWayRound() {
    TaskStatusBatch one = batch(1);
    TaskStatus alone = one.status(0);
    TaskStatus signedAlone = NodeSignatures.sign(alone, keys.getPrivate());
    assertThat(NodeSignatures.verifies(one.withSignature(signedAlone.signature()), key)).isFalse();
    TaskStatusBatch signedBatch = NodeSignatures.sign(one, keys.getPrivate());
    assertThat(NodeSignatures.verifies(alone.withSignature(signedBatch.signature()), key)).isFalse();
  }

  @Test
  void theTwoShapesOfATaskStatusRecordAreToldApart() {
    TaskStatusBatch b = NodeSignatures.sign(batch(2), keys.getPrivate());
    TaskStatus s = NodeSignatures.sign(status("t1", TaskState.RUNNING).withOrder(1, 1), keys.getPrivate());
    assertThat(TaskStatusRecords.isBatch(Json.toString(b))).isTrue();
    assertThat(TaskStatusRecords.isBatch(Json.toString(s))).isFalse();
    // A message that says "statuses" is not a field of the record.
    assertThat(TaskStatusRecords.isBatch(Json.toString(new TaskStatus("t1", "n1", TaskState.RUNNING, "\"statuses\"",
        null, null, null, null, null, null, 1)))).isFalse();
    assertThat(TaskStatusRecords.isBatch("[1,2]")).isFalse();
    assertThat(TaskStatusRecords.isBatch("not json")).isFalse();
    assertThat(TaskStatusRecords.statuses(Json.toString(b))).extracting(TaskStatus::taskId, TaskStatus::sequence)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t0", 10L), org.assertj.core.groups.Tuple.tuple("t1", 11L));
    assertThat(TaskStatusRecords.statuses(Json.toString(s))).containsExactly(s);
  }

  @Test
  void aBatchAtItsLimitsFitsTheTopicAndTheControlLog() {
    // The broker's limit on the topic and on the control log is 1 MiB; the orchestrator publishes at most this.
    assertThat(Limits.MAX_STATUS_BATCH_BYTES).isLessThan(Limits.MAX_OUTPUT_RECORD_BYTES / 2);
    assertThat(Limits.MAX_STATUS_BATCH_BYTES).isGreaterThan(Limits.MAX_STATUS_BYTES);
  }
}
