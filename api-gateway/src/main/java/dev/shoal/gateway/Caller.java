package dev.shoal.gateway;

import java.util.UUID;

/**
 * Who asks for a change and the id that ties the request to its outcome: the id goes into the
 * record's headers and comes back in the orchestrator's events.
 */
public record Caller(String principal, String requestId) {
  public static final String ANONYMOUS = "anonymous";

  /** A caller with a fresh request id; a blank principal counts as anonymous. */
  public static Caller of(String principal) {
    return new Caller(principal == null || principal.isBlank() ? ANONYMOUS : principal.trim(),
        UUID.randomUUID().toString());
  }
}
