package dev.shoal.ops.audit;

import dev.shoal.ops.UsageException;
import dev.shoal.orchestrator.audit.AuditSource;
import dev.shoal.schemas.Identifiers;
import dev.shoal.schemas.audit.ServiceHistory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shoal audit history --service NAME}: every version of a service, who made it and what changed.
 * Exits 1 when no decision ever concerned the service.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Every version of a service's spec with who asked, when and the request id, what changed from the"
        + " version before, the requests that changed nothing or were refused, and its update and rollback events.")
final class AuditHistoryCommand implements Callable<Integer> {
  @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service.")
  String service;

  @Mixin
  AuditOptions options = new AuditOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (!Identifiers.serviceName(service)) {
      throw new UsageException("--service: " + Identifiers.serviceNameProblem(service));
    }
    PrintWriter out = spec.commandLine().getOut();
    ServiceHistory h;
    try (AuditSource source = options.connect()) {
      h = options.audit(source, spec.commandLine().getErr(), 0).history(service);
    }
    if (options.json) {
      AuditText.json(h, out);
    } else {
      AuditText.history(h, out);
    }
    out.flush();
    // As why's unknown task: a name that no decision ever concerned is most likely a typo, which a script should see.
    return h.entries().isEmpty() ? 1 : 0;
  }
}
