package dev.shoal.gateway;

import dev.shoal.gateway.security.Identity;
import io.javalin.http.Context;

/**
 * The {@link Caller} of an HTTP request, the same on every surface (REST and the engine API): the
 * principal the security layer authenticated (never a header the client chose) and a request id,
 * derived from the {@code Idempotency-Key} when there is one, so a retry is one request.
 */
public final class RequestCaller {
  public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
  private static final int MAX_IDEMPOTENCY_KEY = 255;

  private RequestCaller() {}

  public static Caller of(Context ctx) {
    String key = ctx.header(IDEMPOTENCY_KEY_HEADER);
    if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw ApiException.badRequest(IDEMPOTENCY_KEY_HEADER + " must be 1-" + MAX_IDEMPOTENCY_KEY
          + " printable characters without spaces");
    }
    return Caller.of(Identity.of(ctx).principal(), key);
  }
}
