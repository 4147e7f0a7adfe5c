package dev.shoal.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shoal} command: one runnable jar for every component and for the all-in-one dev mode. */
@Command(name = "shoal", mixinStandardHelpOptions = true, version = "shoal 0.1.0",
    description = "A container orchestrator in the spirit of Docker Swarm mode whose control plane is Apache Kafka.",
    subcommands = {DevCommand.class, KafkaCommand.class, OrchestratorCommand.class, GatewayCommand.class,
        AgentCommand.class, BenchCommand.class})
public final class Shoal {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Shoal()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
