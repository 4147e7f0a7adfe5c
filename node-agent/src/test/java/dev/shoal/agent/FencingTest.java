package dev.shoal.agent;

import static dev.shoal.agent.Fixtures.NODE;
import static dev.shoal.agent.Fixtures.running;
import static dev.shoal.agent.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.agent.Fencing.Verdict;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fencing decision and the plan rewrites, on plain values. */
class FencingTest {
  private static final Duration SIX = Duration.ofSeconds(6);

  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  @Test
  void fencesOnlyOnceTheSilenceExceedsTheTimeout() {
    assertThat(Fencing.decide(SIX, ms(0), false)).isEqualTo(Verdict.KEEP_RUNNING);
    assertThat(Fencing.decide(SIX, ms(6000), false)).isEqualTo(Verdict.KEEP_RUNNING);
    assertThat(Fencing.decide(SIX, ms(6001), false)).isEqualTo(Verdict.FENCE);
    assertThat(Fencing.decide(SIX, ms(60_000), false)).isEqualTo(Verdict.FENCE);
  }

  @Test
  void staysFencedUntilContactReturns() {
    assertThat(Fencing.decide(SIX, ms(6001), true)).isEqualTo(Verdict.STAY_FENCED);
    assertThat(Fencing.decide(SIX, ms(600_000), true)).isEqualTo(Verdict.STAY_FENCED);
    assertThat(Fencing.decide(SIX, ms(150), true)).isEqualTo(Verdict.LIFT);
  }

  @Test
  void aZeroTimeoutTurnsFencingOff() {
    assertThat(Fencing.decide(Duration.ZERO, ms(600_000), false)).isEqualTo(Verdict.KEEP_RUNNING);
    assertThat(Fencing.decide(Duration.ZERO, ms(600_000), true)).isEqualTo(Verdict.LIFT);
  }

  @Test
  void theConfigRefusesATimeoutThatTwoHeartbeatsDoNotFit() {
    NodeAgentConfig.Builder b = NodeAgentConfig.builder("k:9092", java.nio.file.Path.of("d"))
        .heartbeatInterval(Duration.ofSeconds(1));
    assertThatThrownBy(() -> b.fencingTimeout(ms(1500)).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice the heartbeat interval");
    assertThatThrownBy(() -> b.fencingTimeout(ms(-1)).build()).isInstanceOf(IllegalArgumentException.class);
    assertThat(b.fencingTimeout(Duration.ZERO).build().fencingTimeout()).isZero();
    assertThat(b.fencingTimeout(null).build().fencingTimeout()).isEqualTo(SIX);
  }

  @Test
  void theReasonSaysHowLongAndWhichTimeout() {
    assertThat(Fencing.reason(ms(6149), SIX)).isEqualTo("fenced: no contact with Kafka for 6.1s (fencing timeout 6s)");
    assertThat(Fencing.reason(ms(2500), ms(2500))).isEqualTo("fenced: no contact with Kafka for 2.5s (fencing timeout 2.5s)");
  }

  @Test
  void aFencedAgentSeesEveryTaskItHoldsDesiredShutdown() {
    Task removed = task("t2", DesiredState.REMOVE, TaskState.SHUTDOWN);
    Task notStarted = running("t3");
    Map<String, Task> seen = Fencing.stopAll(Map.of("t1", running("t1"), "t2", removed, "t3", notStarted),
        Set.of("t1", "t2"));
    assertThat(seen.get("t1").desiredState()).isEqualTo(DesiredState.SHUTDOWN);
    assertThat(seen.get("t1").id()).isEqualTo("t1");
    assertThat(seen.get("t2")).isEqualTo(removed);
    assertThat(seen.get("t3")).isEqualTo(notStarted);
  }

  @Test
  void aFencedPlanNeitherStartsNorRemoves() {
    TaskAction stop = new TaskAction.Stop("t2", Duration.ofSeconds(1));
    TaskAction report = new TaskAction.Report(TaskStatus.of("t4", NODE, TaskState.FAILED, "x", 1));
    List<TaskAction> plan = List.of(new TaskAction.Start(running("t1")), stop, new TaskAction.Remove("t3"), report);
    assertThat(Fencing.restrict(plan)).containsExactly(stop, report);
  }

  @Test
  void onlyShutdownReportsAreExplained() {
    TaskAction shutdown = new TaskAction.Report(new TaskStatus("t1", NODE, TaskState.SHUTDOWN, "shutdown", null, 143,
        "127.0.0.1:1", null, null, "42", 5));
    TaskAction failed = new TaskAction.Report(TaskStatus.of("t2", NODE, TaskState.FAILED, "task exited with code 1", 5));
    TaskAction stop = new TaskAction.Stop("t3", Duration.ZERO);

    TaskStatus explained = ((TaskAction.Report) Fencing.explain(shutdown, "fenced: why")).status();
    assertThat(explained.message()).isEqualTo("fenced: why");
    assertThat(explained).usingRecursiveComparison().ignoringFields("message")
        .isEqualTo(((TaskAction.Report) shutdown).status());
    assertThat(Fencing.explain(failed, "fenced: why")).isSameAs(failed);
    assertThat(Fencing.explain(stop, "fenced: why")).isSameAs(stop);
    assertThat(Fencing.explain(shutdown, null)).isSameAs(shutdown);
  }
}
