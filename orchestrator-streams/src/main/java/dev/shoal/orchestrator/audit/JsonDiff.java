package dev.shoal.orchestrator.audit;

import dev.shoal.schemas.audit.FieldChange;
import dev.shoal.schemas.audit.JsonChanges;
import java.util.List;

/** Says where two record values differ, for a divergence a person reads. */
final class JsonDiff {
  private JsonDiff() {}

  /** {@code ": status.state is \"failed\", the decision published \"running\" (and 2 more fields)"}, or "". */
  static String firstDifference(byte[] expected, byte[] actual) {
    if (expected == null || actual == null) {
      return expected == null ? ": the decision published a tombstone" : ": the topic holds a tombstone";
    }
    List<FieldChange> changes = JsonChanges.between(expected, actual);
    if (changes.isEmpty()) {
      return " (same JSON, other bytes)";
    }
    FieldChange c = changes.get(0);
    return ": " + c.path() + " is " + (c.after() == null ? "absent" : c.after()) + ", the decision published "
        + (c.before() == null ? "nothing" : c.before())
        + (changes.size() > 1 ? " (and " + (changes.size() - 1) + " more field" + (changes.size() > 2 ? "s" : "") + ")" : "");
  }
}
