package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchChaosSummaryTest {
  private static ChaosRun.Round round(int n, ChaosRun.Kind kind, double settled, List<String> violations) {
    return new ChaosRun.Round(n, kind, "victim-" + n, Duration.ofSeconds(2), settled, 1, 10L * n, violations);
  }

  @Test
  void percentilesAreNearestRank() {
    List<Double> values = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
    assertThat(ChaosRun.percentile(values, 50)).isEqualTo(3.0);
    assertThat(ChaosRun.percentile(values, 99)).isEqualTo(5.0);
    assertThat(ChaosRun.percentile(values, 20)).isEqualTo(1.0);
    assertThat(ChaosRun.percentile(values, 21)).isEqualTo(2.0);
  }

  @Test
  void aViolationMakesTheExitCodeOneAndIsPrintedWithItsRound() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = BenchChaosCommand.summary(List.of(round(1, ChaosRun.Kind.BROKER, 4.0, List.of()),
        round(2, ChaosRun.Kind.AGENT, -1, List.of("not settled"))), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(1);
    assertThat(out).contains("faults: 2 {broker=1, agent=1}", "violations: 1", "  round 2 (victim-2): not settled",
        "settled after the restart (s), 1 rounds: p50 4.00  p99 4.00  max 4.00");
  }

  @Test
  void noViolationIsExitCodeZero() {
    int code = BenchChaosCommand.summary(List.of(round(1, ChaosRun.Kind.GATEWAY, 1.5, List.of())),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
  }
}
