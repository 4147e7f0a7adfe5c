package dev.shoal.ops.metrics;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds Debian's {@code prometheus} and {@code promtool} ({@code scripts/setup-machine.sh} installs
 * them). Missing on a developer's machine, the test is skipped with the reason; missing in CI
 * ({@code CI=true}), it fails: CI ran the setup script, so a missing binary is a broken setup.
 */
final class PrometheusBinaries {
  private PrometheusBinaries() {}

  static Path require(String name) {
    Optional<Path> found = find(name);
    if (found.isEmpty()) {
      String why = name + " not found on PATH or in /opt/shoal-prometheus/usr/bin: run scripts/setup-machine.sh";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    return found.get();
  }

  static Path projectRoot() {
    Path p = Path.of("").toAbsolutePath();
    // failsafe runs in the module directory (ops); the files are under the repository root
    while (p != null && !Files.isDirectory(p.resolve("ops").resolve("prometheus"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find ops/prometheus above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  private static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/opt/shoal-prometheus/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
