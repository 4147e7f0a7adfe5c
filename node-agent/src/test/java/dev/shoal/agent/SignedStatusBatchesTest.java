package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.Json;
import dev.shoal.schemas.Limits;
import dev.shoal.schemas.NodeSignatures;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import dev.shoal.schemas.TaskStatusBatch;
import dev.shoal.schemas.TaskStatusBatchValidator;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A dispatch of statuses leaves as few signed batch records as the intake's limits allow, in order. */
class SignedStatusBatchesTest {
  private final KeyPair keys = NodeSignatures.newKeyPair();
  private final String key = NodeSignatures.encode(keys.getPublic());
  private final AtomicLong sequence = new AtomicLong();
  private final List<String> records = new ArrayList<>();
  private final SignedStatusBatches.Signer signer = statuses -> NodeSignatures.sign(
      TaskStatusBatch.of("n1", 3, sequence.getAndAdd(statuses.size()) + 1, statuses), keys.getPrivate());

  private SignedStatusBatches batches() {
    return new SignedStatusBatches(signer, json -> {
      records.add(json);
      return CompletableFuture.completedFuture(null);
    });
  }

  private static List<TaskStatus> statuses(int n, int messageLength) {
    return IntStream.range(0, n).mapToObj(i -> TaskStatus.of("t" + i, "n1", TaskState.RUNNING,
        "m".repeat(messageLength), 1)).toList();
  }

  private List<TaskStatusBatch> sent() {
    return records.stream().map(r -> Json.fromString(r, TaskStatusBatch.class)).toList();
  }

  @Test
  void statusesOfADispatchLeaveAsOneSignedBatchThatTheIntakeAccepts() {
    batches().send(statuses(3, 10));

    assertThat(sent()).singleElement().satisfies(b -> {
      assertThat(b.nodeId()).isEqualTo("n1");
      assertThat(b.sequence()).isEqualTo(1);
      assertThat(b.statuses()).extracting(TaskStatus::taskId).containsExactly("t0", "t1", "t2");
      assertThat(b.statuses()).allSatisfy(s -> assertThat(s.nodeId()).isNull());
      assertThat(TaskStatusBatchValidator.validate(b).valid()).isTrue();
      assertThat(NodeSignatures.verifies(b, key)).isTrue();
    });
  }

  @Test
  void moreStatusesThanABatchMayCarryAreSplitInOrderWithGrowingSequences() {
    batches().send(statuses(Limits.MAX_STATUS_BATCH + 1, 1));

    List<TaskStatusBatch> sent = sent();
    assertThat(sent).extracting(TaskStatusBatch::size).containsExactly(Limits.MAX_STATUS_BATCH, 1);
    assertThat(sent.get(1).statuses().get(0).taskId()).isEqualTo("t" + Limits.MAX_STATUS_BATCH);
    assertThat(sent.get(1).sequence()).isEqualTo(Limits.MAX_STATUS_BATCH + 1);
    assertThat(sent).allSatisfy(b -> assertThat(NodeSignatures.verifies(b, key)).isTrue());
  }

  @Test
  void statusesOverTheByteLimitTogetherAreSplitUntilEachRecordFits() {
    // 300 statuses of ~1 KiB: ~300 KiB together, over the 256 KiB a batch may have.
    List<TaskStatus> big = statuses(300, 1000);
    batches().send(big);

    List<TaskStatusBatch> sent = sent();
    assertThat(sent.size()).isGreaterThan(1);
    assertThat(records).allSatisfy(r -> assertThat(r.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Limits.MAX_STATUS_BATCH_BYTES));
    assertThat(sent.stream().flatMap(b -> b.statuses().stream()).map(TaskStatus::taskId))
        .containsExactlyElementsOf(big.stream().map(TaskStatus::taskId).toList());
    for (int i = 1; i < sent.size(); i++) {
      assertThat(sent.get(i).sequence()).isGreaterThanOrEqualTo(sent.get(i - 1).sequence() + sent.get(i - 1).size());
    }
  }

  @Test
  void aFailedRecordFailsTheDispatch() {
    SignedStatusBatches failing = new SignedStatusBatches(signer,
        json -> CompletableFuture.failedFuture(new IllegalStateException("kafka away")));

    assertThat(failing.send(statuses(2, 1))).isCompletedExceptionally();
  }
}
