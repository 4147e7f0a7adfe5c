package dev.shoal.ops;

/**
 * The command line asks for something that cannot be done as written: a bad flag value, a malformed
 * join token, a missing file, a data directory another process holds. {@link Shoal} prints its
 * message as one line and exits with 2, as for picocli's own parameter errors; anything else a
 * command throws is a failure (exit 1).
 */
public final class UsageException extends IllegalArgumentException {
  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
