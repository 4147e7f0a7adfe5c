package dev.shoal.ops.fuzz;

import java.util.Set;

/** What must become of one malformed record. */
public sealed interface Expect {

  /**
   * A rejection event of {@code type} with one of {@code codes}, found by its request id when the
   * record carries a usable one, else by the entity id the event names (the record key, cut to
   * 128 characters; the offset for the control log).
   */
  record Rejected(String type, Set<String> codes, String requestId, String entityId) implements Expect {}

  /**
   * Accepted and then ignored: a well-formed status about a task nobody knows is copied to the
   * control log (so it is accounted for) and changes nothing.
   */
  record Ignored(String taskId) implements Expect {}
}
