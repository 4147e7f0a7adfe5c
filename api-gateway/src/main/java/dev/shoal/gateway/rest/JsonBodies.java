package dev.shoal.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;

/**
 * Large JSON answers (a listing of thousands of tasks) written as UTF-8 bytes rendered ahead, e.g.
 * from {@link TaskJsonCache}, with the mapper behind {@code ctx.json}, so the bytes are those
 * {@code ctx.json} would write.
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
