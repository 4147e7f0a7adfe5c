package dev.shoal.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.gateway.ApiException;
import dev.shoal.gateway.Caller;
import dev.shoal.gateway.security.Identity;
import dev.shoal.schemas.Json;
import dev.shoal.schemas.ServiceSpec;
import dev.shoal.schemas.SpecValidator;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** Reading what a request says: who asks, JSON bodies with a fixed set of fields, numeric parameters. */
final class Requests {
  static final String REQUEST_ID_HEADER = "X-Shoal-Request-Id";

  private Requests() {}

  static Caller caller(Context ctx) {
    return dev.shoal.gateway.RequestCaller.of(ctx);
  }

  /** The body as a validated, normalised spec, or a 400 (413 when too large) with the validator's reasons. */
  static ServiceSpec spec(Context ctx) {
    SpecValidator.Result result = SpecValidator.validate(ctx.body());
    if (!result.valid()) {
      throw ApiException.fromRejection(result.code(), result.message());
    }
    return result.spec();
  }

  /** The body as a JSON object whose fields are all in {@code allowed}. */
  static ObjectNode object(Context ctx, Set<String> allowed) throws JsonProcessingException {
    String body = ctx.body();
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("the request needs a JSON object body");
    }
    // Bytes, not characters: the limit is in bytes, and a character may take up to four.
    if (ctx.bodyAsBytes().length > dev.shoal.schemas.Limits.MAX_COMMAND_BYTES) {
      throw ApiException.tooLarge("this request's body is at most " + dev.shoal.schemas.Limits.MAX_COMMAND_BYTES + " bytes");
    }
    JsonNode node = Json.MAPPER.readTree(body);
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw ApiException.badRequest("unknown field \"" + field + "\" (known: "
            + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
    return (ObjectNode) node;
  }

  /** A query parameter as a number, null when absent, 400 with {@code problem} when not a number. */
  static Long longParam(Context ctx, String name, String problem) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(problem);
    }
  }
}
