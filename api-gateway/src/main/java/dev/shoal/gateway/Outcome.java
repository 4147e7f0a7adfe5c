package dev.shoal.gateway;

import dev.shoal.schemas.RejectionCode;

/**
 * What became of a published change, as far as the gateway could see within its apply timeout:
 * applied (with the entity as it now is, or as it last was for a removal), rejected by the
 * orchestrator (with its code and reason), or still pending (published and ordered, but its verdict
 * not seen in time).
 */
public sealed interface Outcome<T> {

  /** The change is visible in the read model; {@code value} is the entity after it. */
  record Applied<T>(T value) implements Outcome<T> {}

  /** The orchestrator refused the change. */
  record Rejected<T>(RejectionCode code, String reason) implements Outcome<T> {}

  /** The change was published but its verdict was not seen in time; {@code why} says what was waited for. */
  record Pending<T>(String requestId, String why) implements Outcome<T> {}

  static <T> Outcome<T> applied(T value) {
    return new Applied<>(value);
  }

  static <T> Outcome<T> rejected(RejectionCode code, String reason) {
    return new Rejected<>(code, reason);
  }

  static <T> Outcome<T> pending(String requestId, String why) {
    return new Pending<>(requestId, why);
  }
}
