package dev.shoal.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Progress of a rolling update or rollback of a service, as Swarm's {@code UpdateStatus}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateStatus(String state, String message, Long startedAt, Long completedAt) {
  public static final String UPDATING = "updating";
  public static final String PAUSED = "paused";
  public static final String COMPLETED = "completed";
  public static final String ROLLBACK_STARTED = "rollback_started";
  public static final String ROLLBACK_PAUSED = "rollback_paused";
  public static final String ROLLBACK_COMPLETED = "rollback_completed";
}
