package dev.shoal.ops.bench;

import picocli.CommandLine.Option;

/** The options that shape bench audit's generated history, shared by the benches that replay it. */
final class HistoryShape {
  @Option(names = "--services", defaultValue = "40", description = "Services (default ${DEFAULT-VALUE}).")
  int services;

  @Option(names = "--nodes", defaultValue = "12", description = "Nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the history (default ${DEFAULT-VALUE}).")
  long seed;

  AuditHistoryGenerator generator(long startMillis, long stepMillis) {
    return new AuditHistoryGenerator(seed, services, nodes, startMillis, stepMillis);
  }
}
