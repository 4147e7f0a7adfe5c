package dev.shoal.ops;

import picocli.CommandLine.Command;

/** {@code shoal bench}: measurements on a cluster started on this machine (failover: separate processes; update: one JVM). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (see docs/benchmarks.md).",
    subcommands = {BenchFailoverCommand.class, dev.shoal.ops.bench.BenchUpdateCommand.class,
        dev.shoal.ops.bench.BenchScaleCommand.class, dev.shoal.ops.bench.BenchListingCommand.class,
        dev.shoal.ops.bench.BenchWritesCommand.class, dev.shoal.ops.bench.BenchIngressCommand.class,
        dev.shoal.ops.bench.BenchAuditCommand.class, dev.shoal.ops.bench.BenchDecideCommand.class,
        dev.shoal.ops.bench.BenchReadCommand.class,
        dev.shoal.ops.bench.BenchChaosCommand.class, dev.shoal.ops.bench.BenchContainersCommand.class,
        picocli.CommandLine.HelpCommand.class})
final class BenchCommand {
}
