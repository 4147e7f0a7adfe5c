package dev.shoal.gateway.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.Outcome;
import dev.shoal.schemas.RejectionCode;
import io.javalin.http.Context;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Answers a write from the orchestrator's verdict ({@link Outcome}) in the engine's terms, without
 * holding a server thread while it waits. Refusals keep the status their code calls for
 * ({@link ApiException#fromRejection}), except where the CLI expects swarmkit's own words: a stale
 * version is swarmkit's {@code update out of sequence} (a 500, as dockerd answers it), a taken
 * name its {@code AlreadyExists} conflict.
 */
final class EngineReplies {
  static final String REQUEST_ID_HEADER = "X-Shoal-Request-Id";
  static final String OUT_OF_SEQUENCE = "rpc error: code = Unknown desc = update out of sequence";

  private EngineReplies() {}

  /** How one kind of write turns a refusal into an error. */
  @FunctionalInterface
  interface Refusal {
    ApiException of(RejectionCode code, String reason);

    /** The default: the status the code calls for, with the orchestrator's sentence. */
    static Refusal byCode() {
      return ApiException::fromRejection;
    }

    /** An update of a versioned object: a conflict is a stale version. */
    static Refusal versioned() {
      return (code, reason) -> code == RejectionCode.CONFLICT
          ? new ApiException(500, OUT_OF_SEQUENCE) : ApiException.fromRejection(code, reason);
    }
  }

  /**
   * Waits for {@code outcome}; {@code applied} answers with the entity, {@code pending} when the
   * verdict was not seen within the backend's apply timeout (it gets the request id and why).
   */
  static <T> void answer(Context ctx, Caller caller, CompletableFuture<Outcome<T>> outcome, Refusal refusal,
                         BiConsumer<Context, T> applied, BiConsumer<Context, String> pending) {
    ctx.header(REQUEST_ID_HEADER, caller.requestId());
    ctx.future(() -> outcome.thenAccept(o -> {
      if (o instanceof Outcome.Applied<T> a) {
        applied.accept(ctx, a.value());
      } else if (o instanceof Outcome.Rejected<T> r) {
        throw refusal.of(r.code(), r.reason());
      } else if (o instanceof Outcome.Pending<T> p) {
        pending.accept(ctx, "the change was published (request " + p.requestId() + ") but is not applied yet: "
            + p.why());
      }
    }));
  }

  /** An empty 200, as dockerd answers updates and removals. */
  static void empty(Context ctx) {
    ctx.status(200).result("");
  }

  /**
   * 202 with a message: the change is ordered in the cluster's log and will be decided, but this
   * gateway did not see the verdict in time. The CLI treats any 2xx as done.
   */
  static void accepted(Context ctx, String message) {
    ObjectNode body = DockerJson.object();
    body.put("message", message);
    DockerJson.send(ctx, 202, body);
  }

  /** {@code {"Warnings": [...]}} (null when there are none), the body of a service update. */
  static ObjectNode warnings(List<String> warnings) {
    ObjectNode body = DockerJson.object();
    if (warnings == null || warnings.isEmpty()) {
      body.putNull("Warnings");
    } else {
      ArrayNode a = body.putArray("Warnings");
      warnings.forEach(a::add);
    }
    return body;
  }
}
