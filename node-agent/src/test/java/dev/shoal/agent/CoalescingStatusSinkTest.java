package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CoalescingStatusSinkTest {
  /** Kafka as the sink sees it: each batch waits until the test says it landed (or failed). */
  private final List<List<TaskStatus>> sent = new ArrayList<>();
  private final List<CompletableFuture<Void>> landing = new ArrayList<>();
  private final CoalescingStatusSink sink = new CoalescingStatusSink(batch -> {
    sent.add(List.copyOf(batch));
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
  void aStatusGoesOutAtOnceAsABatchOfOneWhenNothingIsOnItsWay() {
    sink.send(status("t1", TaskState.ACCEPTED));

    assertThat(sent).singleElement().satisfies(b -> assertThat(b).extracting(TaskStatus::state)
        .containsExactly(TaskState.ACCEPTED));
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
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).extracting(TaskStatus::state).containsExactly(TaskState.RUNNING);
    assertThat(running).isNotCompleted();
    land(1);
    assertThat(running).isCompleted();
  }

  @Test
  void whatWaitedGoesOutAsOneBatchInTheOrderItCameAndTheNextWaitsForTheWholeBatch() {
    sink.send(status("t1", TaskState.ACCEPTED));
    CompletableFuture<?> t2 = sink.send(status("t2", TaskState.ACCEPTED));
    CompletableFuture<?> t3 = sink.send(status("t3", TaskState.ACCEPTED));
    sink.send(status("t2", TaskState.RUNNING));

    land(0);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).extracting(TaskStatus::taskId, TaskStatus::state)
        .containsExactly(tuple("t3", TaskState.ACCEPTED), tuple("t2", TaskState.RUNNING));
    assertThat(t2).isCompleted(); // replaced
    assertThat(t3).isNotCompleted();

    sink.send(status("t1", TaskState.RUNNING));
    sink.send(status("t4", TaskState.RUNNING));
    assertThat(sent).hasSize(2);
    land(1);
    assertThat(t3).isCompleted();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2)).extracting(TaskStatus::taskId, TaskStatus::state)
        .containsExactly(tuple("t1", TaskState.RUNNING), tuple("t4", TaskState.RUNNING));
  }

  @Test
  void aFailedBatchFailsEachOfItsStatusesAndDoesNotHoldBackWhatWaits() {
    CompletableFuture<?> first = sink.send(status("t1", TaskState.ACCEPTED));
    CompletableFuture<?> second = sink.send(status("t2", TaskState.ACCEPTED));
    CompletableFuture<?> third = sink.send(status("t3", TaskState.ACCEPTED));

    landing.get(0).completeExceptionally(new RuntimeException("kafka away"));

    assertThat(first).isCompletedExceptionally();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).extracting(TaskStatus::taskId).containsExactly("t2", "t3");
    landing.get(1).completeExceptionally(new RuntimeException("still away"));
    assertThat(second).isCompletedExceptionally();
    assertThat(third).isCompletedExceptionally();
  }

  @Test
  void aSinkThatThrowsFailsTheBatchAndTheNextStillGoesOut() {
    List<List<TaskStatus>> tried = new ArrayList<>();
    CoalescingStatusSink throwing = new CoalescingStatusSink(batch -> {
      tried.add(List.copyOf(batch));
      if (tried.size() == 1) {
        throw new IllegalStateException("closed");
      }
      return CompletableFuture.completedFuture(null);
    });

    CompletableFuture<?> first = throwing.send(status("t1", TaskState.ACCEPTED));
    CompletableFuture<?> second = throwing.send(status("t1", TaskState.RUNNING));

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompleted();
    assertThat(tried).hasSize(2);
    assertThat(tried.get(1)).extracting(TaskStatus::state).containsExactly(TaskState.RUNNING);
  }

  /** Gathering by hand: the test runs the send the sink asked for when it likes. */
  private final List<Runnable> gatherings = new ArrayList<>();
  private final CoalescingStatusSink gathering = new CoalescingStatusSink(batch -> {
    sent.add(List.copyOf(batch));
    CompletableFuture<Void> f = new CompletableFuture<>();
    landing.add(f);
    return f;
  }, gatherings::add);

  @Test
  void withGatheringAStatusWaitsForTheDelayAndLeavesWithWhatCameMeanwhile() {
    CompletableFuture<?> t1 = gathering.send(status("t1", TaskState.RUNNING));
    gathering.send(status("t2", TaskState.ACCEPTED));
    gathering.send(status("t2", TaskState.RUNNING));
    gathering.send(status("t3", TaskState.RUNNING));

    assertThat(sent).isEmpty();
    assertThat(gatherings).hasSize(1); // one delay for the batch, not one per status
    gatherings.get(0).run();

    assertThat(sent).singleElement().satisfies(b -> assertThat(b).extracting(TaskStatus::taskId, TaskStatus::state)
        .containsExactly(tuple("t1", TaskState.RUNNING), tuple("t2", TaskState.RUNNING), tuple("t3", TaskState.RUNNING)));
    assertThat(t1).isNotCompleted();
    land(0);
    assertThat(t1).isCompleted();
  }

  @Test
  void withGatheringWhatWaitedForABatchOnItsWayLeavesAsSoonAsItLandsAndTheNextGathersAgain() {
    gathering.send(status("t1", TaskState.RUNNING));
    gatherings.get(0).run();
    gathering.send(status("t2", TaskState.RUNNING));

    land(0);
    assertThat(sent).hasSize(2); // it waited a round trip already: no second delay
    assertThat(sent.get(1)).extracting(TaskStatus::taskId).containsExactly("t2");
    assertThat(gatherings).hasSize(1);

    land(1);
    gathering.send(status("t3", TaskState.RUNNING));
    assertThat(sent).hasSize(2);
    assertThat(gatherings).hasSize(2);
    gatherings.get(1).run();
    assertThat(sent.get(2)).extracting(TaskStatus::taskId).containsExactly("t3");
  }

  @Test
  void whenTheGatheringCannotBeScheduledTheStatusGoesOutAtOnce() {
    CoalescingStatusSink closing = new CoalescingStatusSink(batch -> {
      sent.add(List.copyOf(batch));
      return CompletableFuture.completedFuture(null);
    }, send -> {
      throw new java.util.concurrent.RejectedExecutionException("agent closing");
    });

    CompletableFuture<?> first = closing.send(status("t1", TaskState.RUNNING));

    assertThat(first).isCompleted();
    assertThat(sent).singleElement().satisfies(b -> assertThat(b).extracting(TaskStatus::taskId).containsExactly("t1"));
  }
}
