package dev.shoal.gateway.docker;

import dev.shoal.gateway.Caller;
import io.javalin.http.Context;

/**
 * Who makes a change through the engine API. Docker clients send no identity (TLS client
 * certificates come with the security work); like {@code /v1}, a caller may name itself with
 * {@code X-Shoal-User} until then, and an {@code Idempotency-Key} makes a retried request one request.
 */
final class EngineCallers {
  static final String USER_HEADER = "X-Shoal-User";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private EngineCallers() {}

  static Caller of(Context ctx) {
    return Caller.of(ctx.header(USER_HEADER), ctx.header(IDEMPOTENCY_HEADER));
  }
}
