package dev.shoal.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.orchestrator.audit.Divergence;
import dev.shoal.orchestrator.audit.VerifyReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code shoal audit verify} prints and exits with when a run stops at another decision code's decisions. */
class AuditVerifyOutcomeTest {
  private static final VerifyReport.Stopped STOPPED = new VerifyReport.Stopped(121, 240, 1_764_579_600_000L, 2,
      "decision 121 (control offset 240) and what follows were made by decision code 2");
  private static final Divergence ONE = new Divergence(Divergence.UNEXPECTED, "shoal.tasks-0@41", null, null,
      "made-by-hand", null, "{}", "no shoal-sequence header: no decision wrote this record");

  private static VerifyReport report(List<Divergence> shown, VerifyReport.Stopped stopped) {
    return new VerifyReport(120, 120, shown.size(), shown, 130, 0, 0, 0, 120, 0, 240, null, "open", List.of(), 1.5, 1,
        stopped);
  }

  @Test
  void allCheckedAndEqualIsZero() {
    assertThat(AuditVerifyCommand.exitStatus(report(List.of(), null))).isZero();
  }

  @Test
  void equalAsFarAsItWentButStoppedIsFour() {
    VerifyReport r = report(List.of(), STOPPED);
    assertThat(AuditVerifyCommand.exitStatus(r)).isEqualTo(4);
    StringWriter text = new StringWriter();
    AuditText.verify(r, new PrintWriter(text));
    assertThat(text.toString()).contains("120 records replayed, 120 decisions compared, 0 divergences")
        .contains("stopped before decision 121 (control offset 240, made 2025-12-01T09:00:00Z): made by decision code 2,"
            + " this build is decision code 1; the decisions from there on were not checked");
  }

  @Test
  void aDivergenceIsThreeWhetherOrNotTheRunStopped() {
    assertThat(AuditVerifyCommand.exitStatus(report(List.of(ONE), STOPPED))).isEqualTo(3);
    assertThat(AuditVerifyCommand.exitStatus(report(List.of(ONE), null))).isEqualTo(3);
  }
}
