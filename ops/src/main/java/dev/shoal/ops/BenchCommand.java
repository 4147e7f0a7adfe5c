package dev.shoal.ops;

import picocli.CommandLine.Command;

/** {@code shoal bench}: measurements on a cluster of separate processes started on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (see docs/benchmarks.md).",
    subcommands = {BenchFailoverCommand.class})
final class BenchCommand {
}
