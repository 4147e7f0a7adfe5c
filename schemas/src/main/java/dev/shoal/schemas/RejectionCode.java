package dev.shoal.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a request or record was refused, in a form a program can act on. Every rejection event
 * carries one in its {@code code} attribute, and the gateway maps codes (never message text) to
 * HTTP statuses, so a refusal reads the same whichever door the input came through.
 */
public enum RejectionCode {
  /** The named service, node or task does not exist. */
  NOT_FOUND,
  /** The request contradicts the current state: a name taken, a stale version. */
  CONFLICT,
  /** The input is malformed or breaks a rule; the message says which. */
  INVALID,
  /** The input, or what it would make the cluster publish, is over a size limit. */
  TOO_LARGE,
  /** The caller may not do this. */
  FORBIDDEN,
  /** The input asks for something Shoal does not do. */
  UNSUPPORTED,
  /** The orchestrator could not handle the input (a quarantined control message). */
  INTERNAL;

  /** The wire form: lower case with underscores, e.g. {@code not_found}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<RejectionCode> fromWire(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
