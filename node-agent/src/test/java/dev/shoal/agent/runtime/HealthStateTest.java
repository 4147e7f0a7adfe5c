package dev.shoal.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's health rules, without processes or time, and the check's defaults. */
class HealthStateTest {
  @Test
  void retriesFailuresInARowMakeItUnhealthyAndAPassResetsTheStreak() {
    HealthState h = new HealthState(3, 0, null);
    assertThat(h.status()).isEqualTo("starting");
    assertThat(h.record(false, 100)).isFalse();
    assertThat(h.record(false, 200)).isFalse();
    assertThat(h.record(true, 300)).isTrue();
    assertThat(h.status()).isEqualTo("healthy");
    h.record(false, 400);
    h.record(false, 500);
    assertThat(h.status()).isEqualTo("healthy"); // two in a row after the pass, not three
    assertThat(h.record(false, 600)).isTrue();
    assertThat(h.status()).isEqualTo("unhealthy");
    assertThat(h.record(true, 700)).isTrue();
    assertThat(h.failingStreak()).isZero();
  }

  @Test
  void failuresInTheStartPeriodDoNotCountUntilTheFirstPass() {
    HealthState h = new HealthState(1, 1000, null);
    h.record(false, 10);
    h.record(false, 999);
    assertThat(h.status()).isEqualTo("starting");
    assertThat(h.failingStreak()).isZero();
    assertThat(h.record(false, 1000)).isTrue();
    assertThat(h.status()).isEqualTo("unhealthy");

    HealthState passed = new HealthState(1, 60_000, null);
    passed.record(true, 10);
    passed.record(false, 20); // still within the start period, but a pass ended it
    assertThat(passed.status()).isEqualTo("unhealthy");
  }

  @Test
  void anAdoptedTaskResumesFromItsLastStatus() {
    HealthState h = new HealthState(3, 60_000, "healthy");
    h.record(false, 10);
    h.record(false, 20);
    h.record(false, 30);
    assertThat(h.status()).isEqualTo("unhealthy"); // "healthy" is not "starting": no start period any more
  }

  @Test
  void specDefaultsAndForms() {
    HealthSpec d = HealthSpec.of(new dev.shoal.schemas.ServiceSpec.HealthCheck(List.of("CMD", "true"), null, "0s", 0, null),
        Map.of());
    assertThat(d).isEqualTo(new HealthSpec(List.of("true"), 30_000, 30_000, 3, 0));
    assertThat(HealthSpec.of(new dev.shoal.schemas.ServiceSpec.HealthCheck(List.of("CMD-SHELL", "curl -f localhost:$PORT"),
        "1s", "2s", 5, "3s"), Map.of()).argv()).containsExactly("/bin/sh", "-c", "curl -f localhost:$PORT");
    // Without a prefix it is CMD, as the Docker runtime takes it; the task's own variables are filled in.
    assertThat(HealthSpec.of(new dev.shoal.schemas.ServiceSpec.HealthCheck(List.of("check", "--port=${PORT}"),
        null, null, null, null), Map.of("PORT", "4000")).argv()).containsExactly("check", "--port=4000");
    assertThat(HealthSpec.of(new dev.shoal.schemas.ServiceSpec.HealthCheck(List.of("NONE"), null, null, null, null),
        Map.of())).isNull();
    assertThatThrownBy(() -> HealthSpec.of(new dev.shoal.schemas.ServiceSpec.HealthCheck(List.of("CMD", "true"),
        null, null, -1, null), Map.of())).hasMessageContaining("retries must not be negative");
  }

  @Test
  void stopSignalsInDockersForms() {
    assertThat(StopSignal.normalise("SIGUSR1")).isEqualTo("USR1");
    assertThat(StopSignal.normalise("int")).isEqualTo("INT");
    assertThat(StopSignal.normalise("SIGRTMIN+3")).isEqualTo("RTMIN+3");
    assertThat(StopSignal.normalise("9")).isEqualTo("9");
    assertThat(StopSignal.normalise("SIGTERM")).isNull();
    assertThat(StopSignal.normalise(null)).isNull();
    assertThatThrownBy(() -> StopSignal.normalise("65")).hasMessageContaining("unknown signal");
    assertThatThrownBy(() -> StopSignal.normalise("SIGFOO")).hasMessageContaining("unknown signal");
  }
}
