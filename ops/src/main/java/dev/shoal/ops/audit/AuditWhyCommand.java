package dev.shoal.ops.audit;

import dev.shoal.ops.UsageException;
import dev.shoal.orchestrator.audit.AuditSource;
import dev.shoal.orchestrator.audit.TaskStory;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shoal audit why TASK-ID}: the task's story, re-derived decision by decision. */
@Command(name = "why", mixinStandardHelpOptions = true,
    description = "Why a task is where it is: why it was created (and what it replaced), where it was placed and why"
        + " there (each node's verdict from the scheduler's filters, and the ranking), why it waited, why it was"
        + " shut down.")
final class AuditWhyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TASK-ID", description = "The task's id (25 characters, as /v1/tasks shows it).")
  String taskId;

  @Mixin
  AuditOptions options = new AuditOptions();

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (taskId.length() != 25 || !taskId.chars().allMatch(ch -> Character.isDigit(ch) || (ch >= 'a' && ch <= 'z'))) {
      throw new UsageException("'" + taskId + "' is not a task id (25 characters of 0-9 and a-z, as /v1/tasks shows)");
    }
    PrintWriter out = spec.commandLine().getOut();
    TaskStory story;
    try (AuditSource source = options.connect()) {
      story = options.audit(source, spec.commandLine().getErr(), 0).why(taskId);
    }
    if (options.json) {
      AuditText.json(story, out);
    } else {
      AuditText.why(story, out);
    }
    out.flush();
    return story.name() == null ? 1 : 0;
  }
}
