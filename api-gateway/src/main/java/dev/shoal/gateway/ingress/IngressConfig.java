package dev.shoal.gateway.ingress;

import java.time.Duration;

/**
 * Settings of a gateway's ingress: whether it runs, the address its published ports bind (loopback
 * unless told otherwise, so nothing is exposed by accident), and its timeouts.
 *
 * @param enabled whether the gateway opens published ports at all
 * @param host the address every published port binds, e.g. {@code 0.0.0.0}
 * @param connectTimeout how long a connection to a task may take before it counts as failed
 * @param idleTimeout how long a client or task connection may stay silent; a tunnel (raw TCP, WebSocket) is
 *     closed after this much silence in both directions (Swarm's IPVS keeps idle TCP for 15 minutes)
 * @param httpIdleTimeout how long an idle HTTP keep-alive connection stays open, towards clients and tasks
 * @param failureBackoff how long a task that refused a connection is passed over while others can serve
 * @param closeGrace how long connections already open on a port that closes may finish
 * @param refreshInterval how often the ingress re-reads the whole picture besides change notifications,
 *     and retries ports it could not bind
 */
public record IngressConfig(
    boolean enabled,
    String host,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration httpIdleTimeout,
    Duration failureBackoff,
    Duration closeGrace,
    Duration refreshInterval) {

  public static final String DEFAULT_HOST = "127.0.0.1";

  public IngressConfig {
    host = host == null || host.isBlank() ? DEFAULT_HOST : host;
    connectTimeout = positive(connectTimeout, Duration.ofSeconds(3), "connectTimeout");
    idleTimeout = positive(idleTimeout, Duration.ofMinutes(15), "idleTimeout");
    httpIdleTimeout = positive(httpIdleTimeout, Duration.ofSeconds(60), "httpIdleTimeout");
    failureBackoff = positive(failureBackoff, Duration.ofSeconds(2), "failureBackoff");
    closeGrace = positive(closeGrace, Duration.ofSeconds(10), "closeGrace");
    refreshInterval = positive(refreshInterval, Duration.ofSeconds(2), "refreshInterval");
  }

  /** Published ports on 127.0.0.1, with the default timeouts. */
  public static IngressConfig defaults() {
    return new IngressConfig(true, null, null, null, null, null, null, null);
  }

  /** No ingress: published ports stay closed on this gateway. */
  public static IngressConfig disabled() {
    return new IngressConfig(false, null, null, null, null, null, null, null);
  }

  public IngressConfig withHost(String h) {
    return new IngressConfig(enabled, h, connectTimeout, idleTimeout, httpIdleTimeout, failureBackoff, closeGrace,
        refreshInterval);
  }

  public IngressConfig withEnabled(boolean e) {
    return new IngressConfig(e, host, connectTimeout, idleTimeout, httpIdleTimeout, failureBackoff, closeGrace,
        refreshInterval);
  }

  private static Duration positive(Duration d, Duration fallback, String name) {
    if (d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
