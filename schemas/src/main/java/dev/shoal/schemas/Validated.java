package dev.shoal.schemas;

/**
 * A value that passed a validator (possibly normalised, e.g. long texts cut), or the reason and
 * code it was refused with.
 */
public record Validated<T>(T value, RejectionCode code, String reason) {
  public static <T> Validated<T> ok(T value) {
    return new Validated<>(value, null, null);
  }

  public static <T> Validated<T> refused(RejectionCode code, String reason) {
    return new Validated<>(null, code, reason);
  }

  public boolean valid() {
    return code == null;
  }
}
