package dev.shoal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.ops.bench.ChaosRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos run CI runs ({@code shoal bench chaos --rounds 3}): three brokers, two orchestrators, two gateways
 * and three agents as separate processes under API writes and a rolling update; three rounds, each killing a
 * component of another kind; after each the cluster must settle with no accepted write lost, exactly the desired
 * tasks, one process per slot on the machine and the update completed.
 */
class ChaosIT {
  /** Gives a broker, the active orchestrator and an agent as the three rounds' kinds (printed when it runs). */
  private static final long SEED = 20261130L;

  @Test
  void threeRoundsOfKillsViolateNothing(@TempDir Path dir) throws Exception {
    List<ChaosRun.Round> rounds = new ChaosRun(new ChaosRun.Settings(3, SEED, Duration.ofSeconds(3),
        Duration.ofSeconds(90), Duration.ofSeconds(3)), System.out).run(dir);

    assertThat(rounds).hasSize(3);
    assertThat(rounds).flatExtracting(ChaosRun.Round::violations).isEmpty();
    assertThat(rounds).allMatch(r -> r.settleSeconds() >= 0);
    assertThat(rounds).extracting(ChaosRun.Round::kind).doesNotHaveDuplicates();
    // The load went on through the rounds: writes were accepted between the first and the last check.
    assertThat(rounds.get(2).acceptedWrites()).isGreaterThan(rounds.get(0).acceptedWrites());
  }
}
