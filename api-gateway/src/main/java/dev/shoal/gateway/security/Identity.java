package dev.shoal.gateway.security;

import io.javalin.http.Context;
import java.util.Objects;

/**
 * Who is calling, as the gateway established it: the principal recorded on every spec and command,
 * the role that decides what the caller may do, and how the gateway knows. Established once per
 * request, before any route runs, and kept as a request attribute, so every surface (the REST
 * routes, the Docker Engine API) reads the same answer with {@link #of(Context)} and none can be
 * talked into another by a header.
 */
public record Identity(String principal, Role role, Source source) {
  /** The request attribute that holds the caller's identity. */
  public static final String ATTRIBUTE = "shoal.identity";
  /** Everyone on a loopback gateway without authentication: anyone on the machine is root-equivalent. */
  public static final String LOCAL = "local";
  /** Everyone on a non-loopback gateway started with {@code --insecure}. */
  public static final String ANONYMOUS = "anonymous";

  /** How the identity was established. */
  public enum Source {
    /** No authentication is configured: the caller reached the listener, that is all we know. */
    UNAUTHENTICATED,
    /** A TLS client certificate signed by the configured CA: the principal is its CN. */
    CERTIFICATE,
    /** A bearer token from the tokens file. */
    TOKEN
  }

  public Identity {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(source, "source");
  }

  /**
   * The identity the security layer established for this request.
   *
   * @throws IllegalStateException when none was (a route served without the security layer: a bug)
   */
  public static Identity of(Context ctx) {
    Identity id = ctx.attribute(ATTRIBUTE);
    if (id == null) {
      throw new IllegalStateException("no identity on " + ctx.method() + " " + ctx.path()
          + ": the security layer did not run");
    }
    return id;
  }

  /** {@code alice (deployer)}. */
  @Override
  public String toString() {
    return principal + " (" + role.id() + ")";
  }
}
