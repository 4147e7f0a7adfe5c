package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.ops.bench.ChaosRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos run CI runs ({@code shoal bench chaos --rounds 2 --seed 7}): three brokers, two orchestrators,
 * two gateways and three agents as separate processes under API writes and a rolling update; two rounds, killing a
 * broker and then the active orchestrator; after each the cluster must settle with no accepted write lost, exactly the desired
 * tasks, one process per slot on the machine and the update completed.
 */
class ChaosIT {
  /** Gives a broker, then the active orchestrator, as the two rounds' kinds. */
  private static final long SEED = 7L;

  @Test
  void killingABrokerAndTheActiveOrchestratorViolatesNothing(@TempDir Path dir) throws Exception {
    List<ChaosRun.Round> rounds = new ChaosRun(new ChaosRun.Settings(2, SEED, Duration.ofSeconds(3),
        Duration.ofSeconds(120), Duration.ofSeconds(3)), System.out).run(dir);

    assertThat(rounds).extracting(ChaosRun.Round::kind)
        .containsExactly(ChaosRun.Kind.BROKER, ChaosRun.Kind.ORCHESTRATOR);
    assertThat(rounds).flatExtracting(ChaosRun.Round::violations).isEmpty();
    assertThat(rounds).allMatch(r -> r.settleSeconds() >= 0);
    // The load went on through the rounds: writes were accepted between the first and the last check.
    assertThat(rounds.get(1).acceptedWrites()).isGreaterThan(rounds.get(0).acceptedWrites());
  }
}
