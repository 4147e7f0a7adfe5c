package dev.shoal.orchestrator.core;

import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;

/**
 * Whether a task's health check holds it back. A check counts when it will run: an explicit test
 * other than NONE (both runtimes run it), or, for a container inheriting its image's check, once the
 * task reports any health at all (an image without one never does, and must not hold anything back
 * forever).
 */
final class HealthGate {
  private HealthGate() {}

  /** Running, and healthy if a check counts: a task that serves (Swarm reports RUNNING only then). */
  static boolean serving(Task t) {
    return t.state() == TaskState.RUNNING && passed(t);
  }

  /** No check counts, or the task reports healthy. */
  static boolean passed(Task t) {
    return !gated(t) || t.status() != null && "healthy".equals(t.status().health());
  }

  static boolean unhealthy(Task t) {
    return gated(t) && t.status() != null && "unhealthy".equals(t.status().health()) && !t.state().isTerminal();
  }

  private static boolean gated(Task t) {
    ServiceSpec.HealthCheck h = t.spec().healthcheck();
    if (h == null) {
      return false;
    }
    if (h.test() != null && !h.test().isEmpty()) {
      return !"NONE".equals(h.test().get(0));
    }
    return t.status() != null && t.status().health() != null;
  }
}
