package dev.shoal.orchestrator.core;

import dev.shoal.schemas.Durations;
import dev.shoal.schemas.ServiceSpec.RestartPolicy;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import java.time.Duration;

/**
 * Decides whether a task that ended by itself gets a replacement, and when: Swarm's restart
 * policy (condition none | on-failure | any, delay, max attempts within a window). Pure.
 */
public final class RestartPolicyDecider {
  private RestartPolicyDecider() {}

  /**
   * @param previous the slot's last decision, or null
   * @param now      the time of the input being handled (record time, never the wall clock)
   */
  public static RestartRecord decide(RestartPolicy policy, Task dead, RestartRecord previous, long now) {
    if ("none".equals(policy.condition())) {
      return giveUp(dead, previous, now, "restart policy condition none: task is not restarted");
    }
    if ("on-failure".equals(policy.condition()) && dead.state() == TaskState.COMPLETE) {
      return giveUp(dead, previous, now, "restart policy on-failure: task completed, not restarted");
    }
    long windowMs = Durations.parseOr(policy.window(), Duration.ZERO).toMillis();
    int attempts = previous == null ? 0 : previous.attempts();
    long windowStart = previous == null ? now : previous.windowStart();
    if (windowMs > 0 && now - windowStart > windowMs) {
      attempts = 0;
      windowStart = now;
    }
    int max = policy.maxAttempts() == null ? 0 : policy.maxAttempts();
    if (max > 0 && attempts >= max) {
      return new RestartRecord(dead.id(), attempts, windowStart, Long.MAX_VALUE,
          "restart attempts exhausted (" + attempts + " of " + max + "): task left " + dead.state().name().toLowerCase());
    }
    long delay = Durations.parseOr(policy.delay(), Duration.ofSeconds(5)).toMillis();
    return new RestartRecord(dead.id(), attempts + 1, windowStart, now + delay, null);
  }

  private static RestartRecord giveUp(Task dead, RestartRecord previous, long now, String reason) {
    int attempts = previous == null ? 0 : previous.attempts();
    long windowStart = previous == null ? now : previous.windowStart();
    return new RestartRecord(dead.id(), attempts, windowStart, Long.MAX_VALUE, reason);
  }
}
