package dev.shoal.orchestrator.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.shoal.orchestrator.core.PlacementExplanation;
import java.util.List;

/**
 * Why a task is where it is, decision by decision, re-derived by replay ({@code shoal audit why}):
 * why it was created (and what it replaced), where the scheduler put it and why there (each node's
 * verdict and the ranking), why it waited, what its node reported, and why it was shut down or
 * forgotten. {@code known} says whether the task still exists after the last decision replayed
 * ({@code upToSequence}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskStory(String taskId, String name, String service, Integer slot, String nodeId, Long specVersion,
                        List<Step> steps, boolean known, long upToSequence, List<String> notes) {

  /**
   * One decision that changed the task. {@code what}: {@code created}, {@code placed}, {@code pending},
   * {@code state}, {@code health}, {@code desired}, {@code removed} or {@code waiting} (still pending
   * at the end). {@code input} is what was decided, {@code detail} what it meant for the task;
   * {@code placement} the scheduler's verdict, {@code exact} whether it is the one the decision made
   * (false: re-computed over the nodes as they were after the decision).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(long sequence, long time, String what, String input, String detail,
                     PlacementExplanation placement, Boolean exact) {}
}
