package dev.shoal.gateway.security;

import dev.shoal.gateway.ApiException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages from driving the API through a browser on the same machine or network, whatever
 * the authentication: a page can make the browser send requests to {@code 127.0.0.1:2375} (and a
 * browser adds client certificates it holds), but it cannot choose three things, which this guard
 * checks before anything else runs.
 *
 * <ul>
 *   <li><b>Host</b>: DNS rebinding points a name the attacker owns at 127.0.0.1, and the browser
 *       then sends {@code Host: attacker.example}. Only the API's own names pass: any IP address
 *       literal (no rebinding is possible without a name), {@code localhost}, the listen address and
 *       the names given with {@code --api-hostname}. The port is not compared: a rebound page
 *       reaches us only on our port anyway, and a proxy may front us on another.</li>
 *   <li><b>Origin</b> (and {@code Sec-Fetch-Site}): browsers mark cross-origin requests; only the
 *       API's own origin and the origins given with {@code --api-allow-origin} pass. A request
 *       without either header does not come from a browser page.</li>
 *   <li><b>Content-Type</b>: a page may send a cross-origin "simple" request without asking first,
 *       but only as {@code text/plain}, a form or multipart, never {@code application/json}. So a
 *       change with a body must say {@code application/json} (415 otherwise).</li>
 * </ul>
 *
 * An allowed origin gets CORS answers (preflight included) so a page there can call the API.
 */
final class BrowserGuard {
  static final String ORIGIN = "Origin";
  static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
  private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
  private static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
  private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key";

  private final Set<String> names;
  private final Set<String> origins;

  BrowserGuard(ApiSecurity security, String listenHost) {
    Set<String> n = new LinkedHashSet<>();
    n.add("localhost");
    HostNames.parseHost(listenHost).map(HostNames.HostPort::host).filter(h -> !isWildcard(h)).ifPresent(n::add);
    n.addAll(security.hostnames());
    this.names = Set.copyOf(n);
    this.origins = Set.copyOf(security.allowedOrigins());
  }

  /**
   * Checks the request; answers a CORS preflight from an allowed origin itself.
   *
   * @return true when the request has been answered (a preflight) and no route should run
   * @throws ApiException 403 for a foreign Host or Origin, 415 for a body that is not JSON
   */
  boolean check(Context ctx) {
    checkHost(ctx);
    String origin = ctx.header(ORIGIN);
    boolean allowedOrigin = origin != null && HostNames.origin(origin).map(origins::contains).orElse(false);
    if (origin != null && !allowedOrigin && !sameOrigin(ctx, origin)) {
      throw ApiException.forbidden("requests from web pages at " + origin + " are refused (DNS rebinding and"
          + " cross-site requests); start the gateway with --api-allow-origin " + origin + " to allow that origin");
    }
    String site = ctx.header(SEC_FETCH_SITE);
    if (site != null && !allowedOrigin && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      // A cross-site GET (an <img>, a <script>) carries no Origin, but modern browsers mark it here.
      throw ApiException.forbidden("requests from other web sites are refused (Sec-Fetch-Site: " + site + ")");
    }
    if (allowedOrigin) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Vary", "Origin");
      if (ctx.method() == HandlerType.OPTIONS && ctx.header("Access-Control-Request-Method") != null) {
        ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
        ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
        return true;
      }
      ctx.header("Access-Control-Expose-Headers", "X-Shoal-Request-Id");
    }
    checkContentType(ctx);
    return false;
  }

  private void checkHost(Context ctx) {
    String value = ctx.header("Host");
    if (value == null) {
      return; // HTTP/1.0 without Host: no browser sends that
    }
    Optional<HostNames.HostPort> hp = HostNames.parseHost(value);
    if (hp.isEmpty() || !(HostNames.isIpLiteral(hp.get().host()) || names.contains(hp.get().host()))) {
      throw ApiException.forbidden("Host " + value + " is not a name of this API (DNS rebinding is refused);"
          + " if clients reach the API under that name, start the gateway with --api-hostname "
          + hp.map(HostNames.HostPort::host).orElse("<name>"));
    }
  }

  /** Origin equal to the API's own (scheme, host and port as the request reached us): a page we served. */
  private static boolean sameOrigin(Context ctx, String origin) {
    Optional<String> theirs = HostNames.origin(origin);
    Optional<HostNames.HostPort> host = HostNames.parseHost(ctx.header("Host"));
    if (theirs.isEmpty() || host.isEmpty()) {
      return false;
    }
    String scheme = ctx.req().getScheme().toLowerCase(Locale.ROOT);
    int port = host.get().port() >= 0 ? host.get().port() : scheme.equals("https") ? 443 : 80;
    return theirs.get().equals(scheme + "://" + host.get().host() + ":" + port);
  }

  private static void checkContentType(Context ctx) {
    if (READS.contains(ctx.method()) || !hasBody(ctx)) {
      return;
    }
    String type = ctx.header("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim();
    if (!media.equalsIgnoreCase("application/json")) {
      throw new ApiException(415, "a request body must be JSON sent as Content-Type: application/json (got "
          + (type == null ? "no Content-Type" : type) + "); with curl: --json @file.json, or -H 'Content-Type: application/json'");
    }
  }

  private static boolean hasBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    return length > 0 || length < 0 && ctx.header("Transfer-Encoding") != null;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::");
  }
}
