package dev.shoal.orchestrator.core;

import java.util.Optional;

/** Where a task goes, or why it cannot go anywhere yet ("no suitable node (...)"). */
public record Placement(String nodeId, String reason) {
  public static Placement on(String nodeId) {
    return new Placement(nodeId, null);
  }

  public static Placement nowhere(String reason) {
    return new Placement(null, reason);
  }

  public Optional<String> node() {
    return Optional.ofNullable(nodeId);
  }
}
