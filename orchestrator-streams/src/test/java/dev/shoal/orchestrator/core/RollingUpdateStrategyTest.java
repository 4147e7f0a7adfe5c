package dev.shoal.orchestrator.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Node;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RollingUpdateStrategyTest {
  private static final String CONFIG = "\"updateConfig\":{\"parallelism\":2,\"delay\":\"1s\",\"monitor\":\"1s\"}";
  private static final ServiceSpec V1 = Fixtures.spec("{\"name\":\"web\",\"command\":[\"serve\",\"v1\"],\"replicas\":3,"
      + CONFIG + "}");
  private static final ServiceSpec V2 = Fixtures.spec("{\"name\":\"web\",\"command\":[\"serve\",\"v2\"],\"replicas\":3,"
      + CONFIG + "}");
  private static final long STARTED = 10_000;
  private final Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));
  private final Service service = new Service("web", "web", 2, V2, V1, null, 0, STARTED);

  private static Task task(String id, ServiceSpec spec, int slot, TaskState state, long createdAt, long updatedAt) {
    return new Task(id, "web", "web", slot, "n1", spec == V1 ? 1 : 2, spec, DesiredState.RUNNING,
        TaskStatus.of(id, "n1", state, state.name().toLowerCase(), updatedAt), createdAt, updatedAt);
  }

  /** Slots 1 and 2 updated (new tasks running since {@code running1} and {@code running2}), slot 3 still old. */
  private Map<String, SlotView> groupRunningSince(long running1, long running2) {
    Map<String, SlotView> slots = new TreeMap<>();
    slots.put("1", SlotView.of(List.of(task("new-1", V2, 1, TaskState.RUNNING, STARTED, running1))));
    slots.put("2", SlotView.of(List.of(task("new-2", V2, 2, TaskState.RUNNING, STARTED, running2))));
    slots.put("3", SlotView.of(List.of(task("old-3", V1, 3, TaskState.RUNNING, 0, 0))));
    return slots;
  }

  private UpdateProgress groupOfSlotsOneAndTwo() {
    return new UpdateProgress(false, STARTED, List.of("1", "2"), STARTED, List.of());
  }

  @Test
  void aGroupIsLookedAtAgainWhenTheLastOfItsMonitorWindowsEnds() {
    UpdateStrategy.Step step = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        groupOfSlotsOneAndTwo(), nodes, 10_270);

    assertThat(step.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    // Not 11_200, when slot 1's window ends: slot 2 is watched until 11_260 whatever happens at 11_200.
    assertThat(step.wakeAt()).isEqualTo(11_260L);
  }

  @Test
  void whileATaskOfTheGroupIsStillStartingNoTimerIsSetForTheOthersWindows() {
    Map<String, SlotView> slots = groupRunningSince(10_200, 10_260);
    slots.put("2", SlotView.of(List.of(task("new-2", V2, 2, TaskState.STARTING, STARTED, 10_150))));

    UpdateStrategy.Step step = new RollingUpdateStrategy().step(service, slots, groupOfSlotsOneAndTwo(), nodes, 10_270);

    assertThat(step.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    // Slot 2's RUNNING is an input of its own and sets the timer for both windows then.
    assertThat(step.wakeAt()).isNull();
  }

  @Test
  void theNextGroupWaitsForTheDelayOnceTheLastWindowHasEnded() {
    UpdateStrategy.Step inWindow = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        groupOfSlotsOneAndTwo(), nodes, 11_259);
    UpdateStrategy.Step done = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        groupOfSlotsOneAndTwo(), nodes, 11_260);

    assertThat(inWindow.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    assertThat(inWindow.wakeAt()).isEqualTo(11_260L);
    assertThat(done.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    assertThat(done.wakeAt()).isEqualTo(12_260L);
    assertThat(done.progress().group()).isEmpty();
  }

  @Test
  void theDelayRunsFromTheEndOfTheLastWindowNotFromWhenTheEndWasNoticed() {
    // The timer for 11_260 came back 90 ms late: the next group may still start at 11_260 + 1 s.
    UpdateStrategy.Step late = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        groupOfSlotsOneAndTwo(), nodes, 11_350);
    UpdateStrategy.Step next = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        late.progress(), nodes, 12_260);

    assertThat(late.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    assertThat(late.progress().nextGroupAt()).isEqualTo(12_260L);
    assertThat(late.wakeAt()).isEqualTo(12_260L);
    assertThat(next.action()).isEqualTo(UpdateStrategy.Action.PROCEED);
    assertThat(next.mayReplace()).containsExactly("3");
  }

  @Test
  void aDelayIsNeverShorterThanConfiguredAfterTheLastWindow() {
    UpdateStrategy.Step done = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        groupOfSlotsOneAndTwo(), nodes, 11_350);
    UpdateStrategy.Step early = new RollingUpdateStrategy().step(service, groupRunningSince(10_200, 10_260),
        done.progress(), nodes, 12_259);

    assertThat(early.action()).isEqualTo(UpdateStrategy.Action.WAIT);
    assertThat(early.mayReplace()).isEmpty();
  }
}
