package dev.shoal.gateway.security;

import dev.shoal.gateway.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.Endpoint;
import java.security.cert.X509Certificate;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gateway's HTTP layer does before a route runs, in one place and for every surface
 * (the REST API, the Docker Engine API): the {@link BrowserGuard}, authentication into an
 * {@link Identity} stored on the request, and authorization by {@link AccessRules}, checked right
 * before the matched route's handler. With TLS it also supplies the HTTPS listener.
 */
public final class SecurityLayer {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityLayer.class);
  /** The header with which callers used to name themselves; the principal now comes from authentication. */
  public static final String USER_HEADER = "X-Shoal-User";
  private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  private final ApiSecurity security;
  private final String host;
  private final int port;
  private final BrowserGuard guard;
  private final BearerTokens tokens;
  private final ServerTls tls;
  private final Identity everyone;
  private final String warning;

  private SecurityLayer(ApiSecurity security, String host, int port, String warning) {
    this.security = security;
    this.host = host;
    this.port = port;
    this.guard = new BrowserGuard(security, host);
    this.tokens = security.tokensFile() == null ? null : BearerTokens.load(security.tokensFile());
    this.tls = security.tls() ? ServerTls.load(security) : null;
    this.everyone = new Identity(ApiSecurity.isLoopback(host) ? Identity.LOCAL : Identity.ANONYMOUS, Role.ADMIN,
        Identity.Source.UNAUTHENTICATED);
    this.warning = warning;
  }

  /**
   * Checks the settings against the listener and loads what they name (PEM files, tokens). A
   * launcher may call it first on its own, to report a bad setting before it starts anything.
   *
   * @throws SecurityConfigException when they cannot be used, or leave a non-loopback listener open
   */
  public static SecurityLayer create(ApiSecurity security, String host, int port) {
    ApiSecurity s = security == null ? ApiSecurity.none() : security;
    return new SecurityLayer(s, host, port, s.checkListener(host).orElse(null));
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return security.scheme();
  }

  /**
   * Adds the security layer to a Javalin configuration; call it before any route is added. It sets
   * Javalin's handler wrapper (there is one per server) to check each route's role.
   */
  public void install(JavalinConfig cfg) {
    if (warning != null) {
      LOG.warn(warning);
    }
    if (tls != null) {
      cfg.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
    }
    cfg.router.handlerWrapper(this::authorizing);
    cfg.routes.before(this::admit);
  }

  private void admit(Context ctx) {
    if (guard.check(ctx)) {
      ctx.skipRemainingHandlers(); // a CORS preflight, answered
      return;
    }
    Identity id = authenticate(ctx);
    ctx.attribute(Identity.ATTRIBUTE, id);
    if (ctx.header(USER_HEADER) != null) {
      // Refused rather than ignored, so a script that relied on it learns it no longer names anyone.
      throw ApiException.badRequest(USER_HEADER + " is not accepted: the principal recorded is the authenticated caller ("
          + id.principal() + ")");
    }
  }

  private Identity authenticate(Context ctx) {
    if (!security.authenticates()) {
      return everyone;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      return bearer(ctx, authorization);
    }
    X509Certificate[] certs = ctx.req().getAttribute(CERTIFICATES) instanceof X509Certificate[] c ? c : null;
    if (security.tlsVerify() && certs != null && certs.length > 0) {
      return CertificateIdentity.of(certs[0]); // verified against the CA in the handshake
    }
    throw unauthorized(ctx, "authentication required: " + ways());
  }

  private Identity bearer(Context ctx, String authorization) {
    if (tokens == null) {
      throw unauthorized(ctx, "this gateway takes no Authorization header: " + ways());
    }
    String[] parts = authorization.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer")) {
      throw unauthorized(ctx, "the Authorization header must be \"Bearer <token>\"");
    }
    return tokens.find(parts[1].trim()).orElseThrow(() -> unauthorized(ctx, "the bearer token is not valid"));
  }

  private String ways() {
    if (tokens != null && security.tlsVerify()) {
      return "present a client certificate signed by the API's CA, or send Authorization: Bearer <token>";
    }
    return tokens != null ? "send Authorization: Bearer <token>" : "present a client certificate signed by the API's CA";
  }

  private ApiException unauthorized(Context ctx, String message) {
    if (tokens != null) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"shoal\"");
    }
    LOG.debug("refused {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), message);
    return new ApiException(401, message);
  }

  /** The route's handler, preceded by the check of the role its rule needs. */
  private Handler authorizing(Endpoint endpoint) {
    if (!endpoint.method.isHttpMethod()) {
      return endpoint.handler;
    }
    AccessRules.Need need = AccessRules.needed(endpoint.method, endpoint.path);
    Handler route = endpoint.handler;
    return ctx -> {
      Identity id = Identity.of(ctx);
      if (!id.role().covers(need.role())) {
        throw ApiException.forbidden("the " + need.role().id() + " role is needed to " + need.what() + " ("
            + endpoint.method.name() + " " + endpoint.path + "); you are " + id);
      }
      route.handle(ctx);
    };
  }
}
