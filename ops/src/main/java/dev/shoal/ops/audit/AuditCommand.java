package dev.shoal.ops.audit;

import picocli.CommandLine.Command;

/**
 * {@code shoal audit}: replay-based auditing. Shoal's inputs are logs and every decision is a
 * function of them, so the history of a cluster can be replayed through the decision code and
 * checked ({@code verify}), and asked about ({@code at}, {@code why}, {@code history}). Reads Kafka
 * only; see docs/audit.md.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Replay the control log through the decision code: verify the derived topics, rebuild the cluster"
        + " at a time, explain a task, list a service's history (docs/audit.md).",
    subcommands = {AuditVerifyCommand.class, AuditAtCommand.class, AuditWhyCommand.class, AuditHistoryCommand.class,
        picocli.CommandLine.HelpCommand.class})
public final class AuditCommand {
}
