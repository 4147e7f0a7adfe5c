package dev.shoal.ops.audit;

import dev.shoal.ops.UsageException;
import dev.shoal.orchestrator.audit.AuditSource;
import dev.shoal.orchestrator.audit.ClusterAt;
import dev.shoal.schemas.TimeText;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal audit at TIME}: the cluster as the decisions up to that time left it. */
@Command(name = "at", mixinStandardHelpOptions = true,
    description = "The cluster as it was at TIME (services and specs, tasks and their nodes, nodes and their status),"
        + " rebuilt by replaying the control log up to it.")
final class AuditAtCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TIME", description = "An RFC 3339 time (2026-11-22T10:15:00Z), epoch milliseconds, or a"
      + " duration meaning that long ago (10m, 1h30m). Decision times are the broker's.")
  String time;

  @Option(names = "--specs", description = "Print every service's whole spec too.")
  boolean specs;

  @Mixin
  AuditOptions options = new AuditOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    long at = parse(time, Instant.now());
    PrintWriter out = spec.commandLine().getOut();
    ClusterAt c;
    try (AuditSource source = options.connect()) {
      c = options.audit(source, spec.commandLine().getErr(), 0).at(at);
    }
    if (options.json) {
      AuditText.json(c, out);
    } else {
      AuditText.at(c, out, specs);
    }
    out.flush();
    return 0;
  }

  /** Epoch milliseconds of {@code text}: an RFC 3339 time, epoch milliseconds, or a duration ago. */
  static long parse(String text, Instant now) {
    try {
      return TimeText.parse(text, now).toEpochMilli();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw invalid(text);
    }
  }

  private static UsageException invalid(String text) {
    return new UsageException("TIME must be an RFC 3339 time (2026-11-22T10:15:00Z), epoch milliseconds or a duration"
        + " ago (10m); got '" + text + "'");
  }
}
