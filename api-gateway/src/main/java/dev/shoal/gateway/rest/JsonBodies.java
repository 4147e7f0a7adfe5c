package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;

/**
 * Large JSON answers (a listing of thousands of tasks) as UTF-8 bytes rendered with the gateway's
 * own mapper. {@code ctx.json} renders the whole body as a String first and then encodes it, which
 * costs a copy of a multi-megabyte body and Jackson's slower character writer. The bytes are the
 * same either way.
 */
final class JsonBodies {
  private JsonBodies() {}

  /** The Jackson mapper behind {@code ctx.json}, or null when the gateway renders JSON otherwise. */
  static ObjectMapper mapper(Context ctx) {
    return ctx.jsonMapper() instanceof JavalinJackson jackson ? jackson.getMapper() : null;
  }

  /** Answers {@code json}, bytes the mapper of {@link #mapper} rendered. */
  static void write(Context ctx, byte[] json) {
    ctx.contentType(ContentType.APPLICATION_JSON).result(json);
  }
}
