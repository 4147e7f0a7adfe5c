package dev.shoal.gateway.security;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool a test runs and this machine lacks: skipped with the reason on a developer's machine,
 * failed where {@code CI=true} (CI installs it, so a skip there would pass without testing).
 */
final class TestTools {
  private TestTools() {}

  static void require(boolean met, String reason) {
    if (met) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(reason + " (CI=true, so this fails instead of being skipped)");
    }
    Assumptions.assumeTrue(false, reason);
  }
}
