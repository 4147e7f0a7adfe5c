package dev.shoal.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Who asks for a change and the id that ties the request to its outcome: the id goes into the
 * record's headers and comes back in the orchestrator's events. With an {@code Idempotency-Key}
 * the id is derived from the principal and the key, so a retried request (to this gateway or
 * another) carries the same id and the orchestrator applies it once.
 */
public record Caller(String principal, String requestId) {
  public static final String ANONYMOUS = "anonymous";

  /** A caller with a fresh request id; a blank principal counts as anonymous. */
  public static Caller of(String principal) {
    return new Caller(normal(principal), UUID.randomUUID().toString());
  }

  /** A caller whose request id is derived from its idempotency key (null key: a fresh id). */
  public static Caller of(String principal, String idempotencyKey) {
    if (idempotencyKey == null) {
      return of(principal);
    }
    String p = normal(principal);
    return new Caller(p, "idem-" + sha256(p + "\u0000" + idempotencyKey).substring(0, 40));
  }

  /**
   * Whether the request carries an idempotency key. Such a request skips the gateway's own checks
   * against the read model (exists? stale?): its first attempt may already have changed what they
   * see, and only the orchestrator knows whether this request was applied.
   */
  public boolean retrySafe() {
    return requestId.startsWith("idem-");
  }

  private static String normal(String principal) {
    return principal == null || principal.isBlank() ? ANONYMOUS : principal.trim();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
