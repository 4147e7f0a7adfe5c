package dev.shoal.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.core.DecisionCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decision code's version moves with its decisions. Audit re-derives only decisions of its own
 * {@link DecisionCode#VERSION}, so a change that makes other decisions from the same inputs must
 * raise it, or a history recorded before the change would be reported as tampered with. The digest
 * of bench decide's first 20,000 decisions (default history, seed 1) is recorded here for each
 * version, as {@code shoal bench decide --records 20000} of that build printed it.
 */
class DecisionCodeVersionTest {
  private static final long DECISIONS = 20_000;
  private static final Map<Integer, String> DIGESTS = Map.of(
      // main at 066db4d (2026-12-01): 101,713 records, 62,717,358 value bytes
      1, "155f60ecbd5478ecf05ef047a0e042bda0fc85b2b91e9860d2e89a35ac351394");

  @Test
  void theDecisionsOfThisDecisionCodeAreTheOnesRecordedForIt() {
    DecisionDigest.Result r = DecisionDigest.run(new AuditHistoryGenerator(1, 40, 12, 1_700_000_000_000L, 20),
        DECISIONS, null);
    assertThat(r.sha256()).as("the decisions over bench decide's history changed: if they may, raise"
        + " DecisionCode.VERSION and record this digest for it here (if only the bench's history generator changed,"
        + " record it for the same version)").isEqualTo(DIGESTS.get(DecisionCode.VERSION));
    assertThat(r.published()).isEqualTo(101_713);
  }
}
