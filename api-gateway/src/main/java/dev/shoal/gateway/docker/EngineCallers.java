package dev.shoal.gateway.docker;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.schemas.Identifiers;
import io.javalin.http.Context;

/**
 * Who makes a change through the engine API. Docker clients send no identity (TLS client
 * certificates come with the security work); as on {@code /v1}, a caller may name itself with
 * {@code X-Shoal-User} until then, and an {@code Idempotency-Key} makes a retried request one
 * request. The headers are checked by the same rules as on {@code /v1}.
 */
final class EngineCallers {
  static final String USER_HEADER = "X-Shoal-User";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  // The same bound as /v1's (rest.Requests), which keeps its rule package-private.
  private static final int MAX_IDEMPOTENCY_KEY = 255;

  private EngineCallers() {}

  static Caller of(Context ctx) {
    String user = ctx.header(USER_HEADER);
    if (user != null && !Identifiers.token(user)) {
      throw ApiException.badRequest(USER_HEADER + " must be 1-256 printable characters without spaces");
    }
    String key = ctx.header(IDEMPOTENCY_HEADER);
    if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw ApiException.badRequest(IDEMPOTENCY_HEADER + " must be 1-" + MAX_IDEMPOTENCY_KEY
          + " printable characters without spaces");
    }
    return Caller.of(user, key);
  }
}
