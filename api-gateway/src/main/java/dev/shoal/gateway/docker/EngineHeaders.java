package dev.shoal.gateway.docker;

import io.javalin.http.Context;

/**
 * The headers dockerd sends on every answer. The docker CLI reads {@code Api-Version} from
 * {@code HEAD /_ping} to pick the version of every later request (without it, it falls back to
 * 1.24), and {@code Ostype} and {@code Docker-Experimental} for its own output.
 */
final class EngineHeaders {
  static final String API_VERSION = "Api-Version";

  private EngineHeaders() {}

  static void apply(Context ctx) {
    ctx.header(API_VERSION, ApiVersion.MAX_TEXT);
    ctx.header("Docker-Experimental", "false");
    ctx.header("Ostype", "linux");
    ctx.header("Server", "Shoal/" + ShoalVersion.current() + " (linux)");
  }

  /** {@code /_ping} also says it must not be cached, and (for newer clients) that this is a swarm manager. */
  static void applyPing(Context ctx) {
    apply(ctx);
    ctx.header("Cache-Control", "no-cache, no-store, must-revalidate");
    ctx.header("Pragma", "no-cache");
    ctx.header("Swarm", "active/manager");
  }
}
