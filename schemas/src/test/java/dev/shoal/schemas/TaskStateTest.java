package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStateTest {
  /**
   * The expected table, written out by hand (not computed): row = from, column = to, in the order
   * NEW PENDING ASSIGNED ACCEPTED PREPARING STARTING RUNNING COMPLETE SHUTDOWN FAILED REJECTED ORPHANED.
   */
  private static final List<String> TABLE = List.of(
      /* NEW       */ ".XXXXXXXXXXX",
      /* PENDING   */ "..XXXXXXXXXX",
      /* ASSIGNED  */ "...XXXXXXXXX",
      /* ACCEPTED  */ "....XXXXXXXX",
      /* PREPARING */ ".....XXXXXXX",
      /* STARTING  */ "......XXXXXX",
      /* RUNNING   */ ".......XXXXX",
      /* COMPLETE  */ "............",
      /* SHUTDOWN  */ "............",
      /* FAILED    */ "............",
      /* REJECTED  */ "............",
      /* ORPHANED  */ "............");

  @Test
  void everyPairFollowsTheWrittenTable() {
    TaskState[] states = TaskState.values();
    assertThat(TABLE).hasSize(states.length);
    for (int i = 0; i < states.length; i++) {
      for (int j = 0; j < states.length; j++) {
        boolean expected = TABLE.get(i).charAt(j) == 'X';
        assertThat(states[i].canTransitionTo(states[j])).as(states[i] + " -> " + states[j]).isEqualTo(expected);
      }
    }
  }

  @Test
  void terminalStatesAreTheLastFive() {
    assertThat(List.of(TaskState.values()).stream().filter(TaskState::isTerminal).toList())
        .containsExactly(TaskState.COMPLETE, TaskState.SHUTDOWN, TaskState.FAILED, TaskState.REJECTED,
            TaskState.ORPHANED);
  }
}
