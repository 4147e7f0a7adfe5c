package dev.shoal.agent;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a Docker engine, root) and does not find: on a developer's
 * machine the test is skipped with the reason; where {@code CI=true} it fails, since a CI run that
 * skips what it was set up to test would pass without testing it.
 */
public final class TestPreconditions {
  private TestPreconditions() {}

  public static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (or, on CI, fails) the calling test with {@code reason} unless {@code met}. */
  public static void require(boolean met, String reason) {
    if (met) {
      return;
    }
    if (onCi()) {
      Assertions.fail(reason + " (CI=true, so this fails instead of being skipped)");
    }
    Assumptions.assumeTrue(false, reason);
  }
}
