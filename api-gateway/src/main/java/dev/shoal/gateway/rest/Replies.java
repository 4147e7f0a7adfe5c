package dev.shoal.gateway.rest;

import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.Outcome;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Answers a write from its {@link Outcome}, without holding a server thread while it waits:
 * applied → {@code status} with the view (no body when the view is null), rejected → the status
 * its code calls for, pending → 202 saying the change was accepted, why it is not applied yet, and
 * the request id (retry with the same {@code Idempotency-Key} to learn the outcome without applying twice).
 */
final class Replies {
  private Replies() {}

  static <T> void reply(Context ctx, Caller caller, CompletableFuture<Outcome<T>> outcome, int status,
                        Function<T, Object> view, String what) {
    ctx.header(Requests.REQUEST_ID_HEADER, caller.requestId());
    ctx.future(() -> outcome.thenAccept(o -> {
      if (o instanceof Outcome.Applied<T> a) {
        Object body = view.apply(a.value());
        ctx.status(status);
        if (body != null) {
          ctx.json(body);
        }
      } else if (o instanceof Outcome.Rejected<T> r) {
        throw ApiException.fromRejection(r.code(), r.reason());
      } else if (o instanceof Outcome.Pending<T> p) {
        ctx.status(202).json(Map.of(
            "message", what + " was accepted but is not applied yet: " + p.why() + "; request " + caller.requestId(),
            "requestId", caller.requestId()));
      }
    }));
  }
}
