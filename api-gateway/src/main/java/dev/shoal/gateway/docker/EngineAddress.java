package dev.shoal.gateway.docker;

import io.javalin.http.Context;

/**
 * The address a client used to reach this gateway ({@code Host} header, else the local socket):
 * what the control plane reports as its manager address, since it is where this client finds it.
 */
final class EngineAddress {
  private EngineAddress() {}

  static String of(Context ctx) {
    String host = ctx.header("Host");
    if (host != null && !host.isBlank() && !host.startsWith("docker.sock") && host.contains(":")) {
      return host.trim();
    }
    return ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort();
  }
}
