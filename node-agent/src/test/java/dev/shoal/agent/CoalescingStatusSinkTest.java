package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CoalescingStatusSinkTest {
  /** Kafka as the sink sees it: each send waits until the test says it landed (or failed). */
  private final List<TaskStatus> sent = new ArrayList<>();
  private final List<CompletableFuture<Void>> landing = new ArrayList<>();
  private final CoalescingStatusSink sink = new CoalescingStatusSink(s -> {
    sent.add(s);
    CompletableFuture<Void> f = new CompletableFuture<>();
    landing.add(f);
    return f;
  });

  private static TaskStatus status(String task, TaskState state) {
    return TaskStatus.of(task, "n1", state, null, 1);
  }

  private void land(int i) {
    landing.get(i).complete(null);
  }

  @Test
  void aStatusGoesOutAtOnceWhenNothingIsOnItsWay() {
    sink.send(status("t1", TaskState.ACCEPTED));

    assertThat(sent).extracting(TaskStatus::state).containsExactly(TaskState.ACCEPTED);
    assertThat(sink.waiting()).isZero();
  }

  @Test
  void statusesOfATaskReplacedWhileTheFirstIsOnItsWayAreNeverSent() {
    CompletableFuture<?> accepted = sink.send(status("t1", TaskState.ACCEPTED));
    CompletableFuture<?> preparing = sink.send(status("t1", TaskState.PREPARING));
    CompletableFuture<?> starting = sink.send(status("t1", TaskState.STARTING));
    CompletableFuture<?> running = sink.send(status("t1", TaskState.RUNNING));

    assertThat(sent).hasSize(1);
    assertThat(sink.waiting()).isEqualTo(1);
    assertThat(preparing).isCompleted();
    assertThat(starting).isCompleted();

    land(0);

    assertThat(accepted).isCompleted();
    assertThat(sent).extracting(TaskStatus::state).containsExactly(TaskState.ACCEPTED, TaskState.RUNNING);
    assertThat(running).isNotCompleted();
    land(1);
    assertThat(running).isCompleted();
  }

  @Test
  void whatWaitedGoesOutAsOneBatchInTheOrderItCameAndTheNextWaitsForTheWholeBatch() {
    sink.send(status("t1", TaskState.ACCEPTED));
    sink.send(status("t2", TaskState.ACCEPTED));
    sink.send(status("t3", TaskState.ACCEPTED));
    sink.send(status("t2", TaskState.RUNNING));

    land(0);
    assertThat(sent.subList(1, sent.size())).extracting(TaskStatus::taskId, TaskStatus::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("t3", TaskState.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple("t2", TaskState.RUNNING));

    sink.send(status("t1", TaskState.RUNNING));
    land(1);
    assertThat(sent).hasSize(3);
    land(2);
    assertThat(sent).hasSize(4);
    assertThat(sent.get(3).taskId()).isEqualTo("t1");
    assertThat(sent.get(3).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void aFailedSendIsReportedAndDoesNotHoldBackWhatWaits() {
    CompletableFuture<?> first = sink.send(status("t1", TaskState.ACCEPTED));
    sink.send(status("t2", TaskState.ACCEPTED));

    landing.get(0).completeExceptionally(new RuntimeException("kafka away"));

    assertThat(first).isCompletedExceptionally();
    assertThat(sent).extracting(TaskStatus::taskId).containsExactly("t1", "t2");
  }

  @Test
  void aSinkThatThrowsFailsTheStatusAndTheNextStillGoesOut() {
    List<TaskStatus> tried = new ArrayList<>();
    CoalescingStatusSink throwing = new CoalescingStatusSink(s -> {
      tried.add(s);
      if (tried.size() == 1) {
        throw new IllegalStateException("closed");
      }
      return CompletableFuture.completedFuture(null);
    });

    CompletableFuture<?> first = throwing.send(status("t1", TaskState.ACCEPTED));
    CompletableFuture<?> second = throwing.send(status("t1", TaskState.RUNNING));

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompleted();
    assertThat(tried).extracting(TaskStatus::state).containsExactly(TaskState.ACCEPTED, TaskState.RUNNING);
  }
}
