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

  private EngineCallers() {}

  static Caller of(Context ctx) {
    String user = ctx.header(USER_HEADER);
    if (user != null && !Identifiers.token(user)) {
      throw ApiException.badRequest(USER_HEADER + " must be 1-256 printable characters without spaces");
    }
    String key = ctx.header(IDEMPOTENCY_HEADER);
    if (key != null && !Identifiers.token(key)) {
      throw ApiException.badRequest(IDEMPOTENCY_HEADER + " must be 1-256 printable characters without spaces");
    }
    return Caller.of(user, key);
  }
}
