package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputProgressTest {
  private final InputProgress progress = new InputProgress();

  @Test
  void caughtUpOnlyOnceEveryFetchedRecordOfEveryPartitionIsProcessed() {
    assertThat(progress.caughtUp()).as("nothing fetched").isTrue();
    progress.fetched(new TopicPartition("specs", 0), 4);
    progress.fetched(new TopicPartition("statuses", 0), 9);
    progress.processed("specs", 0, 4);
    assertThat(progress.caughtUp()).as("statuses not processed").isFalse();
    progress.processed("statuses", 0, 8);
    assertThat(progress.caughtUp()).as("one status left").isFalse();
    progress.processed("statuses", 0, 9);
    assertThat(progress.caughtUp()).isTrue();
  }

  @Test
  void aLaterFetchIsWaitingUntilProcessedAndAnEarlierOneChangesNothing() {
    progress.fetched(new TopicPartition("specs", 0), 4);
    progress.processed("specs", 0, 4);
    progress.fetched(new TopicPartition("specs", 0), 6);
    assertThat(progress.caughtUp()).isFalse();
    progress.fetched(new TopicPartition("specs", 0), 5); // fetched again after a rewind: the highest counts
    progress.processed("specs", 0, 5);
    assertThat(progress.caughtUp()).isFalse();
    progress.processed("specs", 0, 6);
    assertThat(progress.caughtUp()).isTrue();
  }

  @Test
  void partitionsAreToldApartByNumber() {
    progress.fetched(new TopicPartition("specs", 0), 3);
    progress.fetched(new TopicPartition("specs", 1), 3);
    progress.processed("specs", 0, 3);
    assertThat(progress.caughtUp()).isFalse();
  }

  @Test
  void resetForgetsBothSides() {
    progress.fetched(new TopicPartition("specs", 0), 3);
    progress.reset();
    assertThat(progress.caughtUp()).isTrue();
    progress.processed("specs", 0, 1);
    progress.fetched(new TopicPartition("specs", 0), 2);
    assertThat(progress.caughtUp()).isFalse();
  }

  @Test
  void commitsNowOnlyWhenCaughtUpWithUrgentWorkAndThenNotAgainUntilMoreIsUrgent() {
    progress.fetched(new TopicPartition("statuses", 0), 1);
    progress.processed("statuses", 0, 1);
    assertThat(progress.commitNow()).as("caught up, but nothing waited for").isFalse();
    progress.fetched(new TopicPartition("specs", 0), 0);
    progress.markUrgent();
    assertThat(progress.commitNow()).as("urgent, but the spec is not processed yet").isFalse();
    progress.processed("specs", 0, 0);
    assertThat(progress.commitNow()).isTrue();
    assertThat(progress.commitNow()).as("already asked for").isFalse();
  }

  @Test
  void theNextOffsetToProcessIsKnownOncePartitionHasBeenProcessedAndForgottenOnReset() {
    TopicPartition statuses = new TopicPartition("statuses", 0);
    assertThat(progress.nextToProcess(statuses)).isEqualTo(PreVerifierPace.UNKNOWN);
    progress.processed("statuses", 0, 41);
    assertThat(progress.nextToProcess(statuses)).isEqualTo(42);
    assertThat(progress.nextToProcess(new TopicPartition("statuses", 1))).isEqualTo(PreVerifierPace.UNKNOWN);
    progress.reset();
    assertThat(progress.nextToProcess(statuses)).isEqualTo(PreVerifierPace.UNKNOWN);
  }
}
