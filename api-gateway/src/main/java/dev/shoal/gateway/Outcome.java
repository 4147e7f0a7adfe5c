package dev.shoal.gateway;

/**
 * What became of a published change, as far as the gateway could see within its apply timeout:
 * applied (with the entity as it now is), rejected by the orchestrator (with its reason), or
 * still pending (published, but not yet visible).
 */
public sealed interface Outcome<T> {

  /** The change is visible in the read model; {@code value} is the entity after it. */
  record Applied<T>(T value) implements Outcome<T> {}

  /** The orchestrator refused the change; {@code reason} is its sentence. */
  record Rejected<T>(String reason) implements Outcome<T> {}

  /** The change was published but was not seen applied or rejected in time. */
  record Pending<T>(String requestId) implements Outcome<T> {}

  static <T> Outcome<T> applied(T value) {
    return new Applied<>(value);
  }

  static <T> Outcome<T> rejected(String reason) {
    return new Rejected<>(reason);
  }

  static <T> Outcome<T> pending(String requestId) {
    return new Pending<>(requestId);
  }
}
