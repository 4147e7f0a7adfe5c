package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStateTest {

  @Test
  void everyPairFollowsTheTable() {
    int checked = 0;
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        boolean expected = !from.isTerminal() && to.ordinal() > from.ordinal();
        assertThat(from.canTransitionTo(to)).as(from + " -> " + to).isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(TaskState.values().length * TaskState.values().length);
  }

  @Test
  void observedStateNeverMovesBack() {
    assertThat(TaskState.RUNNING.canTransitionTo(TaskState.STARTING)).isFalse();
    assertThat(TaskState.RUNNING.canTransitionTo(TaskState.RUNNING)).isFalse();
    assertThat(TaskState.RUNNING.canTransitionTo(TaskState.FAILED)).isTrue();
    assertThat(TaskState.PENDING.canTransitionTo(TaskState.ASSIGNED)).isTrue();
  }

  @Test
  void terminalStatesAreFinal() {
    assertThat(TaskState.COMPLETE.canTransitionTo(TaskState.ORPHANED)).isFalse();
    assertThat(TaskState.FAILED.canTransitionTo(TaskState.REJECTED)).isFalse();
    assertThat(TaskState.SHUTDOWN.isTerminal()).isTrue();
    assertThat(TaskState.RUNNING.isTerminal()).isFalse();
  }
}
