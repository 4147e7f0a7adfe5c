package dev.shoal.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.io.UncheckedIOException;

/**
 * Writes a large JSON answer (a listing of thousands of tasks) straight to UTF-8 bytes with the
 * gateway's own mapper. {@code ctx.json} renders the whole body as a String first and then encodes
 * it, which costs a copy of a multi-megabyte body and Jackson's slower character writer. The bytes
 * are the same either way.
 */
final class JsonBodies {
  private JsonBodies() {}

  static void write(Context ctx, Object value) {
    if (!(ctx.jsonMapper() instanceof JavalinJackson jackson)) {
      ctx.json(value);
      return;
    }
    try {
      ctx.contentType(ContentType.APPLICATION_JSON).result(jackson.getMapper().writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
