package dev.shoal.ops;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code shoal} command: one runnable jar for every component and for the all-in-one dev mode.
 *
 * <p>Errors are reported in one place, here: a usage error (a picocli parameter error, or a
 * {@link UsageException} from a command) prints {@code shoal <command>: <reason>} and a
 * {@code see: shoal help <command>} line on stderr and exits with 2; a failure after the command
 * started prints {@code shoal <command>: <reason>} and exits with 1, with the stack trace only when
 * {@code SHOAL_DEBUG} is set. {@code shoal help <command>} lists every flag of a command.
 */
@Command(name = "shoal", mixinStandardHelpOptions = true, version = "shoal 0.1.0",
    description = "A container orchestrator in the spirit of Docker Swarm mode whose control plane is Apache Kafka.",
    subcommands = {DevCommand.class, KafkaCommand.class, OrchestratorCommand.class, GatewayCommand.class,
        AgentCommand.class, AclsCommand.class, BenchCommand.class, dev.shoal.ops.audit.AuditCommand.class,
        CommandLine.HelpCommand.class})
public final class Shoal {
  static final String DEBUG_ENV = "SHOAL_DEBUG";

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with Shoal's error handling; {@link CommandLine#execute} returns the exit code. */
  static CommandLine commandLine() {
    return new CommandLine(new Shoal()).setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(Shoal::usageError)
        .setExecutionExceptionHandler(Shoal::failure);
  }

  private static int usageError(ParameterException e, String[] args) {
    return usage(e.getCommandLine(), e.getMessage());
  }

  private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof UsageException) {
      return usage(cmd, e.getMessage());
    }
    PrintWriter err = cmd.getErr();
    err.println(name(cmd) + ": " + firstLine(describe(e)));
    if (System.getenv(DEBUG_ENV) != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCode.SOFTWARE;
  }

  private static int usage(CommandLine cmd, String message) {
    PrintWriter err = cmd.getErr();
    err.println(name(cmd) + ": " + firstLine(message));
    err.println("see: " + helpFor(cmd));
    err.flush();
    return ExitCode.USAGE;
  }

  /** {@code shoal agent}, {@code shoal bench failover}. */
  private static String name(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName(" ");
  }

  /** {@code shoal help agent}, {@code shoal bench help failover}, or {@code shoal help} at the top. */
  private static String helpFor(CommandLine cmd) {
    CommandLine parent = cmd.getParent();
    return parent == null ? name(cmd) + " help" : name(parent) + " help " + cmd.getCommandName();
  }

  /** The exception's own words; the class name only when it has none (a bug, most likely). */
  private static String describe(Throwable e) {
    Throwable t = e;
    // Wrappers without words of their own say less than what they wrap.
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
      t = t.getCause();
    }
    return t.getMessage() != null && !t.getMessage().isBlank() ? t.getMessage() : t.toString();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return (nl < 0 ? text : text.substring(0, nl)).strip();
  }
}
