package dev.shoal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StatusPublisherTest {
  private final List<TaskStatus> sent = new ArrayList<>();
  private boolean kafkaUp = true;
  private final StatusPublisher publisher = new StatusPublisher(s -> {
    sent.add(s);
    return kafkaUp ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(new RuntimeException("down"));
  });

  private static TaskStatus status(TaskState state) {
    return TaskStatus.of("t1", "n1", state, null, 1);
  }

  private static TaskStatus running(String health) {
    return new TaskStatus("t1", "n1", TaskState.RUNNING, null, null, null, null, null, health, null, 1);
  }

  @Test
  void neverMovesBackwardsNorRepeats() {
    assertThat(publisher.publish(status(TaskState.STARTING))).isTrue();
    assertThat(publisher.publish(status(TaskState.ACCEPTED))).isFalse();
    assertThat(publisher.publish(status(TaskState.STARTING))).isFalse();
    assertThat(publisher.publish(status(TaskState.RUNNING))).isTrue();
    assertThat(sent).extracting(TaskStatus::state).containsExactly(TaskState.STARTING, TaskState.RUNNING);
  }

  @Test
  void nothingFollowsATerminalState() {
    publisher.publish(status(TaskState.FAILED));
    assertThat(publisher.publish(status(TaskState.REJECTED))).isFalse();
    assertThat(publisher.publish(status(TaskState.SHUTDOWN))).isFalse();
  }

  @Test
  void aRunningTaskWhoseHealthChangesIsReportedAgain() {
    publisher.publish(running(null));
    assertThat(publisher.publish(running(null))).isFalse();
    assertThat(publisher.publish(running("healthy"))).isTrue();
    assertThat(publisher.health("t1")).isEqualTo("healthy");
  }

  @Test
  void aFloorFromTheAssignmentIsNeverUndercut() {
    publisher.raiseFloor("t1", TaskState.RUNNING);
    assertThat(publisher.publish(status(TaskState.ACCEPTED))).isFalse();
    assertThat(publisher.state("t1")).isEqualTo(TaskState.RUNNING);
    assertThat(publisher.publish(status(TaskState.COMPLETE))).isTrue();
  }

  @Test
  void resendsTheLatestStatusWhenKafkaDidNotStoreIt() {
    kafkaUp = false;
    publisher.publish(status(TaskState.ACCEPTED));
    publisher.publish(status(TaskState.RUNNING));
    kafkaUp = true;
    publisher.retryFailed();
    publisher.retryFailed();
    assertThat(sent).extracting(TaskStatus::state)
        .containsExactly(TaskState.ACCEPTED, TaskState.RUNNING, TaskState.RUNNING);
  }

  @Test
  void forgetsTasks() {
    publisher.publish(status(TaskState.RUNNING));
    publisher.forget("t1");
    assertThat(publisher.taskIds()).isEmpty();
    assertThat(publisher.state("t1")).isNull();
  }
}
